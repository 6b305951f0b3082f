from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared template tags and each person's preferences (common.models)."""

    name = "common"
    verbose_name = "Shared kernel"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from common.i18n import on_login

        user_logged_in.connect(on_login, dispatch_uid="common.i18n.on_login")
