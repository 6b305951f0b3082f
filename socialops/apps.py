import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def _sync_roles(sender, apps=None, using: str = "default", **kwargs) -> None:
    # Role migrations leave out the permissions of models not migrated yet (another app
    # may migrate after them): once migrate finishes, every role gets all it can. `flush`
    # (transactional tests) sends post_migrate without a historical `apps`: the models as
    # they are then.
    from socialops.roles import apply_role_permissions, sync_role_groups

    if apps is None:
        # The installed models: their permissions exist (this runs after the last app's
        # post_migrate), and sync_role_groups' historical-registry handling is not for them.
        from django.apps import apps as installed_apps
        from django.contrib.auth.models import Group, Permission

        left_out = apply_role_permissions(Group, Permission, apps=installed_apps)
    else:
        left_out = sync_role_groups(apps)
    if left_out:  # a partial migrate (`migrate <app> <migration>`): the next one gives them
        logger.warning("Role permissions of unmigrated models left out: %s", sorted(left_out))


class SocialOpsConfig(AppConfig):
    name = "socialops"
    verbose_name = "SocialOps"

    def ready(self) -> None:
        # After the last app's post_migrate: by then Django has created every app's
        # permissions (it does so app by app, in INSTALLED_APPS order).
        from django.apps import apps

        last = list(apps.get_app_configs())[-1]
        post_migrate.connect(_sync_roles, sender=last, dispatch_uid="socialops.roles")
