from django.db import migrations


def sync_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give admins their permissions on notification subscriptions and deliveries."""

    dependencies = [
        ("socialops", "0004_roles_integrations"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
