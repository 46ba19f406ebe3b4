from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from coalition.permissions import requires_mfa


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
