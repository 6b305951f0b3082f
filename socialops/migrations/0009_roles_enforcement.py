from django.db import migrations


def sync_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give admins their permissions on enforcement policies and the enforcement log."""

    dependencies = [
        ("socialops", "0008_roles_feed_urls"),
        ("integrations", "0002_enforcement"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
