import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def _sync_roles(sender, apps=None, using: str = "default", **kwargs) -> None:
    # Role migrations leave out the permissions of models not migrated yet (another app
    # may migrate after them): once migrate finishes, every role gets all it can. `flush`
    # (transactional tests) sends post_migrate without a historical `apps`: the models as
    # they are then.
    from django.apps import apps as installed_apps

    from socialops.roles import sync_role_groups

    left_out = sync_role_groups(apps or installed_apps)
    if left_out:  # a partial migrate (`migrate <app> <migration>`): the next one gives them
        logger.warning("Role permissions of unmigrated models left out: %s", sorted(left_out))


class SocialOpsConfig(AppConfig):
    name = "socialops"
    verbose_name = "SocialOps"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="socialops.roles")
