"""Background work of the monitor. Idempotent: warming a cache twice stores the same values."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import selectors
from .dashboard import assembly


@shared_task
def warm_caches():
    """Compute what the dashboard (default filters), the council report and the public
    progress page show, in every language, so the first visitor of the day does not wait."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assembly.dashboard(selectors.Filters.default())
            assembly.public_progress()
