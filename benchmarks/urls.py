"""The portal's URLs plus one trivial view, mounted only by the benchmark: what a request
costs the framework itself (middleware, session, user, MFA check) with no work of its own."""

from django.http import HttpResponse
from django.urls import include, path

from westland.urls import handler400, handler403, handler404, handler500  # noqa: F401 (used by Django)

TRIVIAL_PATH = "/__benchmark__/trivial/"


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.strip("/") + "/", trivial),
    path("", include("westland.urls")),
]
