from django.db import migrations


def create_roles(apps, schema_editor):
    from socialops.roles import sync_role_groups

    sync_role_groups(apps)


def remove_roles(apps, schema_editor):
    from socialops.roles import Role

    apps.get_model("auth", "Group").objects.filter(name__in=[r.value for r in Role]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
        ("campaigns", "0001_initial"),
        ("promises", "0001_initial"),
        ("insights", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
