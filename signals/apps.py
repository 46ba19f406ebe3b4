from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from common import outbox

        from . import receivers  # noqa: F401  (hands over an organisation's work when it is deactivated)
        from .services.outbox import REPORTER_RESOLVER, reporter_address

        outbox.register_resolver(REPORTER_RESOLVER, reporter_address)
