import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from coalition.models import Domain
from signals.services import routes

from .celery import app as celery_app

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["domains"] = Domain.objects.active()
        return context


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value it was given")


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """State of the database, cache and broker: 200 when all answer, 503 otherwise."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    report = {}
    healthy = True
    for name, check in checks.items():
        try:
            report[name] = check() or "ok"
        except Exception as exc:  # any failure of a dependency is reported, not raised
            logger.warning("healthz: %s unavailable: %s", name, exc)
            report[name] = "unavailable"
            healthy = False
    # Whether a new signal reaches someone. Reported, but not a reason for the load balancer
    # to take the portal away: the public pages and the intake still work (docs/adr/0008).
    try:
        problems = routes.routing_problems()
        report["routing"] = {"ok": not problems, "problems": problems, "waiting_for_a_route": routes.unrouted().count()}
    except Exception as exc:  # the database is already reported above
        report["routing"] = {"ok": False, "problems": [type(exc).__name__], "waiting_for_a_route": None}
    report["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(report, status=200 if healthy else 503)


def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def server_error(request):
    # Rendered without the request: no session, user or database that could fail again.
    return HttpResponseServerError(render_to_string("500.html"))
