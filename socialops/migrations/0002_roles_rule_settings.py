from django.db import migrations


def sync_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on RuleSetting (admins edit rule severities)."""

    dependencies = [
        ("socialops", "0001_roles"),
        ("promises", "0002_conflict_updated_at_rule_setting"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
