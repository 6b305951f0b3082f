"""The four roles and what each may do, as Django groups with model permissions.

The pages and the API check these permissions on the server; the navigation only
mirrors them. A data migration applies ROLE_PERMISSIONS; change it with a new one.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import pgettext_lazy


class Role(StrEnum):
    MARKETING = "marketing"
    OPS = "ops"
    EXEC = "exec"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name as people read it, in the active language (the value is the
        group's name and the API's: it stays as it is)."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.MARKETING: pgettext_lazy("role", "Marketing"),
    Role.OPS: pgettext_lazy("role", "Ops"),
    Role.EXEC: pgettext_lazy("role", "Exec"),
    Role.ADMIN: pgettext_lazy("role", "Admin"),
}


def role_label(name: str) -> str:
    """A role's display name from its value ("ops" -> "Ops", "Opérations"); an unknown
    name is shown as it is."""
    try:
        return Role(name).label
    except ValueError:
        return name


VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")
# A channel's secret feed URLs (campaigns.view_feed_channel): ops and admins set feeds up.
FEED_URLS = ("view_feed",)

CATALOG = ["catalog.product", "catalog.sku", "catalog.location", "catalog.stocklevel"]
CAMPAIGNS = [
    "campaigns.campaign",
    "campaigns.campaignitem",
    "campaigns.campaignclaim",
    "campaigns.creator",
]
CHANNELS = ["campaigns.channel"]
PROMISES = [
    "promises.shippingmethod",
    "promises.shippingoverride",
    "promises.returnpolicy",
    "promises.checkoutcountry",
    "promises.promocode",
    "promises.supportreply",
]
CONFLICTS = ["promises.conflict"]
ENGINE_RECORDS = ["promises.conflictevent", "promises.checkrun", "promises.rulesetting"]
INSIGHTS = ["insights.order", "insights.channelmetric", "insights.surveyresponse"]
# Connections hold the platforms' tokens: admins only, not even read access for the rest.
INTEGRATIONS = [
    "integrations.connection",
    "integrations.syncrun",
    "integrations.enforcementpolicy",
    "integrations.enforcementaction",
]
# Everyone manages their own subscriptions without a permission; admins read every delivery.
NOTIFICATIONS = ["notifications.subscription", "notifications.delivery"]
# The Shopify webhook inbox: admins see what failed and why, and retry it.
WEBHOOK_INBOX = ["catalog.webhookdelivery"]

EVERY_MODEL = CATALOG + CAMPAIGNS + CHANNELS + PROMISES + CONFLICTS + ENGINE_RECORDS + INSIGHTS

# (models, actions) pairs per role. Conflicts and their history are written by the engine;
# people change a conflict's state (assign, acknowledge, waive), never create or delete one.
ROLE_PERMISSIONS: dict[Role, list[tuple[list[str], tuple[str, ...]]]] = {
    Role.MARKETING: [
        (CAMPAIGNS, ALL),
        (CHANNELS + CATALOG + PROMISES + CONFLICTS + ENGINE_RECORDS + INSIGHTS, VIEW),
    ],
    Role.OPS: [
        (CATALOG + PROMISES, ALL),
        (CHANNELS, FEED_URLS),
        (CONFLICTS, ("view", "change")),
        (CAMPAIGNS + CHANNELS + ENGINE_RECORDS + INSIGHTS, VIEW),
    ],
    Role.EXEC: [
        (EVERY_MODEL, VIEW),
    ],
    Role.ADMIN: [
        (EVERY_MODEL, ALL),
        (CHANNELS, FEED_URLS),
        (INTEGRATIONS, ALL),
        (NOTIFICATIONS, ALL),
        (WEBHOOK_INBOX, ("view", "change")),
        (["auth.user", "auth.group"], ALL),
    ],
}


def permission_codenames(role: Role) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role is granted."""
    granted = set()
    for models, actions in ROLE_PERMISSIONS[role]:
        for label in models:
            app_label, model = label.split(".")
            granted.update((app_label, f"{action}_{model}") for action in actions)
    return granted


def sync_role_groups(apps) -> set[tuple[str, str]]:
    """Create the role groups and set their permissions (data migrations; after migrate).

    `apps` is a migration's historical registry: a permission whose model (or whose Meta
    permission) is not migrated yet is left out, so each migration works in whatever order
    the apps migrate; the post_migrate handler (socialops.apps) gives it once it exists.
    Returns the (app_label, codename) pairs left out.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate finishes; create them now so the
    # groups can be given them inside this migration.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    return apply_role_permissions(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), apps=apps
    )


def _defined_permissions(apps) -> set[tuple[str, str]]:
    """(app_label, codename) of every permission the models of `apps` define."""
    defined = set()
    for model in apps.get_models():
        meta = model._meta
        defined.update(
            (meta.app_label, f"{action}_{meta.model_name}") for action in meta.default_permissions
        )
        defined.update((meta.app_label, codename) for codename, _ in meta.permissions)
    return defined


def apply_role_permissions(Group, Permission, apps=None) -> set[tuple[str, str]]:
    """Give each role group exactly its permissions, creating the groups that are missing.

    Data migrations call it through `sync_role_groups` with their historical `apps`, whose
    models may not define every permission yet: those are left out (and returned). Tests
    whose database is flushed between tests (live-server browser tests) call it with the
    real models. A permission no current model defines is a mistake in ROLE_PERMISSIONS.
    """
    from django.apps import apps as current_apps

    real = _defined_permissions(current_apps)
    available = real if apps is None else _defined_permissions(apps)
    left_out: set[tuple[str, str]] = set()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = permission_codenames(role)
        unknown = wanted - real
        if unknown:
            raise RuntimeError(f"Role {role} names unknown permissions: {sorted(unknown)}")
        left_out |= wanted - available
        wanted &= available
        permissions = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise RuntimeError(f"Role {role} misses permissions: {sorted(missing)}")
        group.permissions.set(permissions)
    return left_out


def user_roles(user) -> set[str]:
    """The role names of a user; superusers hold every role."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {role.value for role in Role}
    return set(user.groups.values_list("name", flat=True)) & {role.value for role in Role}
