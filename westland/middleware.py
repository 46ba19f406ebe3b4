from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

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


class IdleSessionTimeoutMiddleware:
    """Sign out users who may see personal data after PORTAL_IDLE_SESSION_SECONDS without a request.

    The expiry is set again on every response, so it counts from the last request (an idle
    timeout, not a fixed lifetime); other users keep SESSION_COOKIE_AGE. It is set on the
    way out so that the response of the sign-in itself already carries the short expiry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and has_short_session(user):
            session.set_expiry(settings.PORTAL_IDLE_SESSION_SECONDS)
        return response
