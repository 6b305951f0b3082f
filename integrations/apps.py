from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Connections to the platforms campaigns and operations live on, synced on a schedule."""

    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations import receivers, webhooks

        # The catalog's webhook inbox applies discounts/* deliveries through the sync code.
        webhooks.register()
        # Check runs and waivers: pause or turn back on the synced ads they concern.
        receivers.connect()
