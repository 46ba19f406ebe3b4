"""What every step of the workflow shares: the signal locked for its opvolger, the
append-only history row, and the notification outbox (rows written in the step's
transaction, handed to the broker after commit)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coalition.constants import Role
from coalition.models import User

from ..models import (
    Notification,
    Signal,
    SignalEvent,
)

logger = logging.getLogger("signals.services")


def _event(signal, kind, actor=None, from_status="", note=""):
    return SignalEvent.objects.create(
        signal=signal, kind=kind, actor=actor, from_status=from_status, to_status=signal.status, note=note
    )


def _notify(kind, recipients, signal=None, referral=None):
    """Write outbox rows now (same transaction); deliver them once the transaction commits."""
    # One INSERT for all recipients: a Signaalpunt may have many opvolgers.
    rows = Notification.objects.bulk_create(
        [Notification(kind=kind, signal=signal, referral=referral, recipient=r) for r in recipients]
    )
    if rows:
        transaction.on_commit(lambda: queue_delivery([row.pk for row in rows]))
    return rows


# Notifications per broker message: one message for a change's recipients, while a large
# retry round still spreads over the workers.
DELIVERY_BATCH = 50


def queue_delivery(notification_ids):
    """Hand notifications to the broker. If it does not answer, the rows stay pending and
    the periodic retry delivers them later: filing a signal never fails on the broker."""
    from ..tasks import deliver_notifications

    notification_ids = list(notification_ids)
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        batch = notification_ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notifications.apply_async(args=[batch], retry=False)
        except Exception as exc:  # the broker is down: the outbox keeps the rows
            logger.warning("Could not queue notifications %s (will retry): %s", batch, exc)


def _handlers(organisation_id):
    return list(User.objects.active_members(Role.HANDLER, organisation_id))


def _lock(signal_id, user) -> Signal:
    """The signal, locked, if the user is an opvolger of its handling organisation."""
    signal = Signal.objects.handled_by(user).select_for_update(of=("self",)).filter(pk=signal_id).first()
    if signal is None:
        raise PermissionDenied
    return signal


def number_of(signal: Signal) -> str:
    return f"S-{signal.created_at:%Y}-{signal.pk:06d}"
