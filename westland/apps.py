from django.apps import AppConfig


class WestlandConfig(AppConfig):
    name = "westland"
    verbose_name = "Westland portal"

    def ready(self):
        from . import receivers  # noqa: F401
