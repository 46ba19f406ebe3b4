import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from coalition.models import Domain

from . import health

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["domains"] = Domain.objects.active()
        return context


@never_cache
@require_GET
def healthz(request):
    """The state of the portal's parts and of its work (westland.health): 200, or 503 with reasons."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


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
