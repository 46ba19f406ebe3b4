import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from coalition.permissions import has_short_session, requires_mfa


class EnforceMFAMiddleware:
    """Send privileged users without TOTP to set it up before anything else.

    Privileged means a role that sees residents' personal data or approves partners
    (opvolger, beleidsmedewerker, beheerder). Only the MFA pages, re-authentication,
    logout, the language switch and static files stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PORTAL_ENFORCE_MFA and self._must_set_up(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _allowed_prefixes():
        return (
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("set_language"),
            settings.STATIC_URL,
            reverse("healthz"),
        )

    def _must_set_up(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(self._allowed_prefixes()):
            return False
        if not requires_mfa(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


IDLE_REFRESHED_AT = "_portal_idle_refreshed_at"
# Write the session at most this often to move the idle deadline: not on every request.
IDLE_REFRESH_SECONDS = 60


def refresh_idle_timeout(session, *, now=None) -> None:
    """Let the session end PORTAL_IDLE_SESSION_SECONDS from now (within IDLE_REFRESH_SECONDS)."""
    now = int(time.time() if now is None else now)
    idle = settings.PORTAL_IDLE_SESSION_SECONDS
    if session.get_expiry_age() == idle and now - session.get(IDLE_REFRESHED_AT, 0) < IDLE_REFRESH_SECONDS:
        return
    session[IDLE_REFRESHED_AT] = now
    session.set_expiry(idle)


class IdleSessionTimeoutMiddleware:
    """Sign out users who may see personal data after PORTAL_IDLE_SESSION_SECONDS without a request.

    The deadline moves with every request (an idle timeout, not a fixed lifetime), saved at
    most once a minute so that a busy user does not write the session on every click;
    other users keep SESSION_COOKIE_AGE. It runs on the way out, after the view, so that
    it also sees a user who has just signed in (westland.receivers sets it at sign-in too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and has_short_session(user):
            refresh_idle_timeout(session)
        return response


class NoStoreWhenSignedInMiddleware:
    """Keep every answer to a signed-in user out of browser and proxy caches.

    A signed-in page may show a resident's contact details, a note, or a second-factor
    secret (allauth's TOTP set-up); which pages do changes with roles and features, so the
    rule is not a list of views: all of them, checked on every URL by the permission matrix.
    Static files never reach this (whitenoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RefuseNullBytesMiddleware:
    """Answer 400 to a query string with a NUL byte, before any view sees it.

    No person types one, and PostgreSQL refuses NUL in text: a search or filter that
    passes it into a query (the admin's autocomplete fields did) would end in a 500.
    Form posts are refused field by field by the forms themselves (Django's
    ProhibitNullCharactersValidator), with a message beside the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in query.getlist(key)) for key in query
        ):
            from .views import bad_request  # the portal's own 400 page, as for any bad request

            return bad_request(request)
        return self.get_response(request)
