"""A view that fails while handling what a resident's details were posted to (test_error_reporting.py)."""

import logging

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from westland.urls import urlpatterns as portal

logger = logging.getLogger("westland.tests.failing")


@csrf_exempt
def failing(request):
    resident_name = request.POST["resident_name"]
    resident_email = request.POST["resident_email"]
    logger.warning("About to fail for a posted signal")
    raise RuntimeError(f"Could not store the signal of {resident_email} ({len(resident_name)} letters)")


# The portal's own pages too: the error page links to them.
urlpatterns = [path("faalt/", failing), *portal]
