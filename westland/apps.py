from django.apps import AppConfig


class WestlandConfig(AppConfig):
    name = "westland"
    verbose_name = "Westland portal"

    def ready(self):
        from . import checks, lookups, receivers  # noqa: F401

        lookups.register()
