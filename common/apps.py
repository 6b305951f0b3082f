from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared template tags and each person's preferences (common.models)."""

    name = "common"
    verbose_name = "Shared kernel"
