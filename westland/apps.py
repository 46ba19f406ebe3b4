from django.apps import AppConfig


class WestlandConfig(AppConfig):
    name = "westland"
    verbose_name = "Westland portal"

    def ready(self):
        from . import checks, receivers  # noqa: F401
