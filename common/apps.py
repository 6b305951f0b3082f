from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Registers the shared template tags; common has no models."""

    name = "common"
    verbose_name = "Shared kernel"
