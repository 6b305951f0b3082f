from django.db import migrations


def sync_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Let admins see the webhook inbox and retry failed deliveries."""

    dependencies = [
        ("socialops", "0006_importjob_warnings"),
        ("catalog", "0003_webhook_key"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
