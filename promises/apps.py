from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "promises"
    verbose_name = "Promises and checks"

    def ready(self) -> None:
        from promises import triggers
        from promises.checks import rules  # noqa: F401 - registers every rule

        triggers.connect()
