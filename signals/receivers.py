"""Signals listens to coalition, which imports no other app (docs/design.md, layers)."""

from django.dispatch import receiver

from coalition.models import Organisation
from coalition.services import organisation_deactivated

from .services import routes


@receiver(organisation_deactivated, sender=Organisation, dispatch_uid="signals-hand-over-on-deactivation")
def hand_over_open_work(sender, organisation, actor, reason="", **kwargs):
    """Runs inside the deactivation's transaction: the work moves, or nothing does."""
    routes.hand_over(organisation=organisation, actor=actor, reason=reason)
