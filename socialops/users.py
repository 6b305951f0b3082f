"""Managing people and their roles: the Users page and /api/users/ call these.

A role is membership of its group (socialops/roles.py). Nobody is deleted: a person who
leaves is deactivated, so the campaigns, waivers and imports they made keep their author.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Prefetch, QuerySet

from socialops.roles import Role

User = get_user_model()
ROLE_NAMES = [role.value for role in Role]


def users_with_roles() -> QuerySet:
    """Every user with their role groups prefetched (one extra query however many users)."""
    return User.objects.order_by("username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=ROLE_NAMES), to_attr="roles")
    )


def roles_of(user) -> list[str]:
    """A user's role names, from the prefetch when there is one."""
    groups = getattr(user, "roles", None)
    if groups is None:
        groups = user.groups.filter(name__in=ROLE_NAMES)
    return sorted(group.name for group in groups)


@transaction.atomic
def set_roles(user, roles: Iterable[str]) -> None:
    """Give `user` exactly these roles (their other groups are left alone). Admins get the
    Django admin too: it is where they reach what has no page of its own."""
    wanted = set(roles)
    unknown = wanted - set(ROLE_NAMES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    current = set(user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True))
    user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted - current))
    is_staff = Role.ADMIN.value in wanted or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def create_user(
    *,
    username: str,
    roles: Iterable[str],
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A new person with their roles; without a password they cannot log in until one is set."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    set_roles(user, roles)
    return user


def deactivate_user(user) -> None:
    """The person can no longer log in or use their API token; what they did stays theirs."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
