from django.db import migrations


def sync_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Let ops and admins (only) see the channels' secret feed URLs."""

    dependencies = [
        ("socialops", "0007_roles_webhook_inbox"),
        ("campaigns", "0006_channel_feed_filters_campaign_updated_by"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
