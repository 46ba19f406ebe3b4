"""Deploy checks of the portal itself (``manage.py check --deploy``): a production that
cannot hand a signal to anyone must not be taken for ready (docs/adr/0008)."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError


@register(deploy=True)
def signals_reach_someone(app_configs, **kwargs):
    from signals.services import routes

    hint = (
        "Create the Signaalpunt organisation (approved, marked as signal handler), give it at "
        "least one active opvolger and add a default routing rule to it in the admin."
    )
    try:
        problems = routes.routing_problems()
        waiting = routes.unrouted().count()
    except DatabaseError as exc:
        return [Error(f"The database cannot be read ({type(exc).__name__}): run migrate first.", id="portal.E002")]
    messages = [Error(f"Signals would reach nobody: {problem}.", hint=hint, id="portal.E001") for problem in problems]
    if waiting:
        messages.append(
            Warning(
                f"{waiting} open signal(s) wait for a route.",
                hint="Saving a routing rule in the admin routes them.",
                id="portal.W001",
            )
        )
    return messages


@register(deploy=True)
def https_behind_a_proxy_is_declared(app_configs, **kwargs):
    """An HTTPS address with no proxy declared: behind a TLS-terminating load balancer every
    request would look like HTTP and be redirected for ever."""
    if settings.SITE_USES_HTTPS and settings.SECURE_SSL_REDIRECT and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "SITE_URL is HTTPS but TRUSTED_PROXY_COUNT is 0: forwarded headers are not trusted.",
                hint="Behind a load balancer that ends TLS, set TRUSTED_PROXY_COUNT to the number of proxies (1).",
                id="portal.W002",
            )
        ]
    return []
