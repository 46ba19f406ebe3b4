"""Privacy: the audit of every view of personal data, erasure (on request, after misuse,
after the retention period) and the resident's right of access."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..constants import (
    EventKind,
    SignalStatus,
)
from ..models import (
    ContactDetailsView,
    Signal,
    SignalEvent,
    SignalSettings,
)
from .outbox import _lock, logger

PERSONAL_FIELDS = [
    "resident_name",
    "resident_phone",
    "resident_email",
    "resident_address",
    "preferred_time",
    "note",
    "resident_whereabouts",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
]


def record_contact_view(*, user, signal, purpose="detail"):
    """Audit: every view of a resident's personal data (contact details or free text) is written down."""
    if signal.has_personal_data:
        ContactDetailsView.objects.create(user=user, signal=signal, purpose=purpose)


def _erase(signal: Signal, *, actor, reason: str):
    for field in PERSONAL_FIELDS:
        setattr(signal, field, "")
    signal.preferred_contact = ""
    signal.share_with_provider = False
    signal.personal_data_erased_at = timezone.now()
    signal.save(update_fields=[*PERSONAL_FIELDS, "preferred_contact", "share_with_provider", "personal_data_erased_at"])
    signal.contacts.update(note="")
    signal.events.exclude(note="").update(note="")
    signal.referrals.update(share_contact=False)
    SignalEvent.objects.create(signal=signal, kind=EventKind.ERASED, actor=actor, to_status=signal.status, note="")
    logger.info("Personal data of signal %s erased (%s).", signal.number, reason)


@transaction.atomic
def erase_personal_data(*, signal_id: int, actor) -> Signal:
    """Right to erasure: an opvolger erases a resident's data at once, on request."""
    signal = _lock(signal_id, actor)
    _erase(signal, actor=actor, reason="request")
    return signal


def erase_expired(now=None) -> int:
    """Erase personal data of signals closed longer ago than the retention period."""
    now = now or timezone.now()
    days = SignalSettings.current().retention_days
    cutoff = now - timezone.timedelta(days=days)
    ids = list(
        Signal.objects.filter(
            status=SignalStatus.CLOSED, closed_at__lt=cutoff, personal_data_erased_at__isnull=True
        ).values_list("pk", flat=True)
    )
    erased = 0
    for pk in ids:
        with transaction.atomic():
            signal = Signal.objects.select_for_update().get(pk=pk)
            if signal.personal_data_erased_at is None and signal.status == SignalStatus.CLOSED:
                _erase(signal, actor=None, reason="retention")
                erased += 1
    return erased


def erase_old_audit_rows(now=None) -> int:
    """The audit log of views of contact details is kept PORTAL_AUDIT_RETENTION_DAYS (two
    years by default: long enough to answer a resident's access request or a complaint
    about a view well after the signal is dealt with), then deleted."""
    cutoff = (now or timezone.now()) - timezone.timedelta(days=settings.PORTAL_AUDIT_RETENTION_DAYS)
    deleted, _by_model = ContactDetailsView.objects.filter(viewed_at__lt=cutoff).delete()
    return deleted


def export_signal(*, signal_id: int, actor) -> dict:
    """Right of access: everything held about one signal, for the resident."""
    signal = Signal.objects.handled_by(actor).filter(pk=signal_id).first()
    if signal is None:
        raise PermissionDenied
    record_contact_view(user=actor, signal=signal, purpose="export")
    return {
        "number": signal.number,
        "filed_at": signal.created_at.isoformat(),
        "source": signal.get_source_display(),
        "age_group": str(signal.age_group),
        "kern": str(signal.kern),
        "signs": [str(s) for s in signal.signs.all()],
        "note": signal.note,
        "consent": signal.consent,
        "share_with_provider": signal.share_with_provider,
        "name": signal.resident_name,
        "phone": signal.resident_phone,
        "email": signal.resident_email,
        "address": signal.resident_address,
        "preferred_contact": signal.get_preferred_contact_display(),
        "preferred_time": signal.preferred_time,
        # Where the resident can be found is about them; who reported them is not theirs to
        # know (AVG art. 15(4): the rights of others), so the reporter is left out.
        "whereabouts": signal.resident_whereabouts,
        "status": signal.get_status_display(),
        "handling_organisation": str(signal.handling_organisation or ""),
        "contacts": [
            {"date": c.date.isoformat(), "way": c.get_way_display(), "note": c.note} for c in signal.contacts.all()
        ],
        "referrals": [
            {"initiative": r.initiative.title, "status": r.get_status_display(), "contact_shared": r.share_contact}
            for r in signal.referrals.select_related("initiative")
        ],
        "history": [
            {"at": e.created_at.isoformat(), "what": e.get_kind_display(), "note": e.note} for e in signal.events.all()
        ],
        "personal_data_erased_at": signal.personal_data_erased_at.isoformat()
        if signal.personal_data_erased_at
        else None,
    }
