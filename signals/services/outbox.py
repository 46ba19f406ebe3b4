"""What every step of the workflow shares: the signal locked for its opvolger, the
append-only history row, and its e-mails: written to the portal's outbox
(``common.outbox``) in the step's transaction, each with a ``Notification`` that says
which signal it was about, and handed to a worker after commit."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coalition.constants import Role
from coalition.models import User
from common import outbox

from ..constants import NotificationKind
from ..models import (
    Notification,
    Signal,
    SignalEvent,
)

logger = logging.getLogger("signals.services")

# The outbox's resolver for a reporter's receipt (registered in apps.py).
REPORTER_RESOLVER = "signals.reporter"


def reporter_address(signal_id) -> str:
    """Where a receipt goes, read from the encrypted signal at delivery; "" once erased."""
    signal = Signal.objects.filter(pk=signal_id).first()
    return signal.receipt_email if signal is not None else ""


def _event(signal, kind, actor=None, from_status="", note=""):
    return SignalEvent.objects.create(
        signal=signal, kind=kind, actor=actor, from_status=from_status, to_status=signal.status, note=note
    )


def _link(kind, signal) -> str:
    if kind == NotificationKind.RECEIPT:
        return reverse("coalition:initiative_list")
    if kind == NotificationKind.REFERRAL:
        return reverse("signals:referrals")
    if kind == NotificationKind.UNROUTED:
        return reverse("admin:signals_routingrule_changelist")
    if kind in (NotificationKind.CLOSED, NotificationKind.OVERDUE_DIGEST) or signal is None:
        return reverse("signals:queue")
    return reverse("signals:detail", args=[signal.pk])


def _notify(kind, recipients, signal=None, referral=None, *, extra=None, **to):
    """Queue the e-mails of one change (same transaction) and record what each was about.

    E-mails carry no personal data of the resident: the kind, the number and a link."""
    context = {
        "number": signal.number if signal else "",
        "url": settings.SITE_URL + _link(kind, signal),
        **(extra or {}),
    }
    subject, body = outbox.render(f"signals/email/{kind}", context)
    # One INSERT each for all recipients: a Signaalpunt may have many opvolgers.
    emails = outbox.queue_all(
        [outbox.compose(f"signals.{kind}", subject=subject, body=body, recipient=r, **to) for r in recipients]
    )
    return Notification.objects.bulk_create(
        [
            Notification(kind=kind, signal=signal, referral=referral, recipient=r, email=e)
            for r, e in zip(recipients, emails, strict=True)
        ]
    )


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
