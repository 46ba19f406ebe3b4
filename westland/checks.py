"""Deploy checks of the portal itself (``manage.py check --deploy``): a production that
cannot hand a signal to anyone must not be taken for ready (docs/adr/0008)."""

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
