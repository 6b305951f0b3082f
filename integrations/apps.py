from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Connections to the platforms campaigns and operations live on, synced on a schedule."""

    name = "integrations"
    verbose_name = "Integrations"
