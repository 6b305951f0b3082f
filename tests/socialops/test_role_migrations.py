"""Role data migrations work whatever order the apps migrate in; migrate completes the roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from socialops.roles import Role, permission_codenames, sync_role_groups

pytestmark = pytest.mark.django_db


def _granted(role: Role) -> set[tuple[str, str]]:
    group = Group.objects.get(name=role.value)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_first_role_migration_works_before_the_later_apps_migrated():
    # The state `migrate socialops 0001` runs the first role migration in: no notifications,
    # integrations or webhook inbox models yet (today's roles name their permissions).
    state = MigrationExecutor(connection).loader.project_state(("socialops", "0001_roles"))
    left_out = sync_role_groups(state.apps)

    assert ("notifications", "view_delivery") in left_out
    assert ("integrations", "view_connection") in left_out
    assert ("catalog", "view_webhookdelivery") in left_out
    admin = _granted(Role.ADMIN)
    assert ("catalog", "change_sku") in admin  # what existed then is given
    assert ("notifications", "view_delivery") not in admin


def test_migrate_gives_every_role_all_its_permissions():
    state = MigrationExecutor(connection).loader.project_state(("socialops", "0001_roles"))
    sync_role_groups(state.apps)  # as after `migrate socialops 0001`
    assert _granted(Role.ADMIN) != permission_codenames(Role.ADMIN)

    call_command("migrate", verbosity=0)  # the rest migrated: post_migrate completes the roles

    for role in Role:
        assert _granted(role) == permission_codenames(role), role
