"""Project-wide signal receivers (connected in westland.apps)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from coalition.permissions import has_short_session

from .middleware import refresh_idle_timeout


@receiver(user_logged_in, dispatch_uid="westland-idle-timeout-at-sign-in")
def start_idle_timeout(sender, request, user, **kwargs):
    """The short session starts at sign-in, however the sign-in happens."""
    session = getattr(request, "session", None)
    # A fresh copy: the roles cached while checking must not stick to the caller's object.
    if session is not None and has_short_session(type(user)._default_manager.get(pk=user.pk)):
        refresh_idle_timeout(session)
