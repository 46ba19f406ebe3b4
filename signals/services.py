"""The signal workflow. Every state change goes through one function here: inside a
transaction, with the signal row locked (select_for_update), the transition checked,
an append-only history row written and notifications put in the outbox in the same
transaction; delivery is queued after commit. Views never set a status themselves."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.constants import Role
from coalition.models import Initiative, Membership, User

from . import routing
from .constants import (
    MISUSE,
    OPEN_STATUSES,
    EventKind,
    NotificationKind,
    ReferralStatus,
    SignalStatus,
    Source,
)
from .models import (
    ContactDetailsView,
    ContactMoment,
    Notification,
    Outcome,
    Referral,
    Signal,
    SignalEvent,
    SignalSettings,
)

logger = logging.getLogger(__name__)

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
REGISTRATION_ONLY = "alleen-registratie"


class TransitionNotAllowed(ValidationError):
    """A workflow step that the signal's current status does not allow."""


# Which statuses each step may start from.
ALLOWED_FROM = {
    "take": {SignalStatus.NEW},
    "assign": set(OPEN_STATUSES),
    "log_contact": {SignalStatus.IN_PROGRESS, SignalStatus.CONTACTED, SignalStatus.REFERRED},
    "refer": {SignalStatus.CONTACTED, SignalStatus.REFERRED},
    "close": set(OPEN_STATUSES),
    "reopen": {SignalStatus.CLOSED},
}


def check_step(signal: Signal, step: str):
    """Raise TransitionNotAllowed when the signal's status does not allow this step."""
    if signal.status not in ALLOWED_FROM[step]:
        raise TransitionNotAllowed(
            _("This step is not possible: the signal is %(status)s.") % {"status": signal.get_status_display()}
        )


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
    from .tasks import deliver_notifications

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


def _number(signal: Signal) -> str:
    return f"S-{signal.created_at:%Y}-{signal.pk:06d}"


# Filing --------------------------------------------------------------------------------


@transaction.atomic
def file_signal(*, cleaned_data: dict, signs, user=None, organisation=None) -> Signal:
    """Store a staff signal, route it and tell the handling organisation.

    Without consent no contact field is stored, whatever was typed, and the signal counts
    for the monitor only: it is closed at once as "registration only".
    A resubmitted form (same submission token) returns the signal already filed.
    """
    consent = bool(cleaned_data.get("consent"))
    contact = {
        "resident_name": cleaned_data.get("resident_name", "") if consent else "",
        "resident_phone": cleaned_data.get("resident_phone", "") if consent else "",
        "resident_email": cleaned_data.get("resident_email", "") if consent else "",
        "resident_address": cleaned_data.get("resident_address", "") if consent else "",
        "preferred_contact": cleaned_data.get("preferred_contact", "") if consent else "",
        "preferred_time": cleaned_data.get("preferred_time", "") if consent else "",
        "share_with_provider": bool(cleaned_data.get("share_with_provider")) if consent else False,
    }
    signal, created = _store(
        cleaned_data,
        signs,
        source=Source.PARTNER_STAFF,
        filed_by=user,
        filed_for=organisation,
        consent=consent,
        **contact,
    )
    if not created:
        return signal
    if not consent:
        outcome = Outcome.objects.get(code=REGISTRATION_ONLY)
        _close(signal, actor=None, outcome=outcome, note="")
    elif signal.handling_organisation_id:
        _notify(NotificationKind.NEW_SIGNAL, _handlers(signal.handling_organisation_id), signal=signal)
    return signal


@transaction.atomic
def file_public_signal(*, cleaned_data: dict, signs, about_self: bool) -> tuple[Signal, bool]:
    """Store a signal from the public intake; returns (signal, created).

    About themselves, the reporter is the resident and asks to be contacted: their details
    are the resident's, given with consent. About someone else, the resident was not asked:
    nothing is stored as the resident's contact details; the reporter's own details (to ask
    a question back) and an optional description of where the person lives are kept. Either
    way the signal is routed and followed up like a staff signal; it is never closed as
    "registration only". The reporter's receipt goes through the outbox.
    """
    reporter = {
        "name": cleaned_data.get("reporter_name", ""),
        "phone": cleaned_data.get("reporter_phone", ""),
        "email": cleaned_data.get("reporter_email", ""),
    }
    if about_self:
        fields = {
            "source": Source.RESIDENT_SELF,
            "consent": True,
            "resident_name": reporter["name"],
            "resident_phone": reporter["phone"],
            "resident_email": reporter["email"],
            "share_with_provider": bool(cleaned_data.get("share_with_provider")),
        }
    else:
        fields = {
            "source": Source.RESIDENT_OTHER,
            "consent": False,
            "reporter_name": reporter["name"],
            "reporter_phone": reporter["phone"],
            "reporter_email": reporter["email"],
            "resident_whereabouts": cleaned_data.get("resident_whereabouts", ""),
        }
    signal, created = _store(cleaned_data, signs, **fields)
    if not created:
        return signal, False
    if signal.handling_organisation_id:
        _notify(NotificationKind.NEW_SIGNAL, _handlers(signal.handling_organisation_id), signal=signal)
    if signal.receipt_email:
        _notify_reporter(signal)
    return signal, True


def _store(cleaned_data: dict, signs, **fields) -> tuple[Signal, bool]:
    """Create, number and route a signal once per submission token; returns (signal, created)."""
    token = cleaned_data["submission_token"]
    existing = Signal.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                number=f"tmp-{token[:14]}",
                age_group=cleaned_data["age_group"],
                kern=cleaned_data["kern"],
                note=cleaned_data.get("note", ""),
                submission_token=token,
                **fields,
            )
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request filed it.
        return Signal.objects.get(submission_token=token), False
    signal.number = _number(signal)
    signal.save(update_fields=["number"])
    signal.signs.set(signs)
    _event(signal, EventKind.FILED, actor=fields.get("filed_by"))
    _route(signal)
    return signal, True


def _notify_reporter(signal: Signal):
    """The reporter's receipt: an outbox row without a recipient user; delivery reads the
    address from the encrypted signal, so the outbox holds no personal data."""
    row = Notification.objects.create(kind=NotificationKind.RECEIPT, signal=signal, recipient=None)
    transaction.on_commit(lambda: queue_delivery([row.pk]))


def _route(signal: Signal):
    rule = routing.find_rule(signal.kern_id, signal.age_group_id)
    if rule is None:
        logger.error("No routing rule for signal %s: add a default rule in the admin.", signal.number)
        return
    days = SignalSettings.current().first_contact_working_days
    signal.handling_organisation_id = rule.organisation_id  # the id is enough: no query for the row
    signal.routing_rule = rule
    signal.first_contact_due = routing.add_working_days(timezone.localtime(signal.created_at).date(), days)
    signal.save(update_fields=["handling_organisation", "routing_rule", "first_contact_due", "updated_at"])
    _event(signal, EventKind.ROUTED, note="")


# Workflow -------------------------------------------------------------------------------


@transaction.atomic
def take(*, signal_id: int, actor, assignee=None) -> Signal:
    """An opvolger takes a new signal, for themselves or a colleague of the same organisation."""
    signal = _lock(signal_id, actor)
    check_step(signal, "take")
    assignee = _colleague(signal, assignee or actor)
    previous = signal.status
    signal.status = SignalStatus.IN_PROGRESS
    signal.assigned_to = assignee
    signal.save(update_fields=["status", "assigned_to", "updated_at"])
    _event(signal, EventKind.TAKEN, actor=actor, from_status=previous)
    if assignee != actor:
        _notify(NotificationKind.ASSIGNED, [assignee], signal=signal)
    return signal


@transaction.atomic
def assign(*, signal_id: int, actor, assignee) -> Signal:
    signal = _lock(signal_id, actor)
    check_step(signal, "assign")
    assignee = _colleague(signal, assignee)
    previous = signal.status
    if signal.status == SignalStatus.NEW:
        signal.status = SignalStatus.IN_PROGRESS
    signal.assigned_to = assignee
    signal.save(update_fields=["status", "assigned_to", "updated_at"])
    _event(signal, EventKind.ASSIGNED, actor=actor, from_status=previous)
    if assignee != actor:
        _notify(NotificationKind.ASSIGNED, [assignee], signal=signal)
    return signal


def _colleague(signal, user):
    if not Membership.objects.with_role(Role.HANDLER, signal.handling_organisation_id).filter(user=user).exists():
        raise ValidationError({"assignee": _("Choose an opvolger of the handling organisation.")})
    return user


@transaction.atomic
def log_contact(*, signal_id: int, actor, date, way, note="") -> ContactMoment:
    signal = _lock(signal_id, actor)
    check_step(signal, "log_contact")
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date of the contact cannot be in the future.")})
    filed_on = timezone.localtime(signal.created_at).date()
    if date < filed_on:
        raise ValidationError({"date": _("The contact cannot be before the signal was filed.")})
    moment = ContactMoment.objects.create(signal=signal, by=actor, date=date, way=way, note=note)
    previous = signal.status
    if signal.status == SignalStatus.IN_PROGRESS:
        signal.status = SignalStatus.CONTACTED
    if signal.first_contact_at is None or date < signal.first_contact_at:
        signal.first_contact_at = date
        signal.working_days_to_first_contact = routing.working_days_between(filed_on, date)
    signal.save(update_fields=["status", "first_contact_at", "working_days_to_first_contact", "updated_at"])
    _event(signal, EventKind.CONTACT, actor=actor, from_status=previous, note=note)
    return moment


@transaction.atomic
def refer(*, signal_id: int, actor, initiatives) -> list[Referral]:
    """Refer the resident to initiatives that accept referrals. Contact details go along
    only when the resident agreed to share them with a provider."""
    signal = _lock(signal_id, actor)
    check_step(signal, "refer")
    initiatives = list(initiatives)
    if not initiatives:
        raise ValidationError({"initiatives": _("Choose at least one initiative.")})
    allowed = set(Initiative.objects.published().filter(accepts_referrals=True).values_list("pk", flat=True))
    if any(i.pk not in allowed for i in initiatives):
        raise ValidationError({"initiatives": _("Refer only to active initiatives that accept referrals.")})
    already = set(signal.referrals.values_list("initiative_id", flat=True))
    referrals = [
        Referral.objects.create(signal=signal, initiative=i, share_contact=signal.share_with_provider, created_by=actor)
        for i in initiatives
        if i.pk not in already
    ]
    if not referrals:
        raise ValidationError({"initiatives": _("The signal is already referred to these initiatives.")})
    previous = signal.status
    signal.status = SignalStatus.REFERRED
    signal.save(update_fields=["status", "updated_at"])
    _event(
        signal,
        EventKind.REFERRED,
        actor=actor,
        from_status=previous,
        note=", ".join(r.initiative.title for r in referrals),
    )
    for referral in referrals:
        coordinators = User.objects.active_members(Role.COORDINATOR, referral.initiative.organisation_id)
        _notify(NotificationKind.REFERRAL, coordinators, signal=signal, referral=referral)
    return referrals


def _close(signal, *, actor, outcome, note):
    previous = signal.status
    signal.status = SignalStatus.CLOSED
    signal.outcome = outcome
    signal.closed_at = timezone.now()
    signal.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    _event(signal, EventKind.CLOSED, actor=actor, from_status=previous, note=note)


@transaction.atomic
def close(*, signal_id: int, actor, outcome, note="") -> Signal:
    signal = _lock(signal_id, actor)
    check_step(signal, "close")
    if outcome is None:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if outcome.code == MISUSE and not signal.is_public:
        raise ValidationError({"outcome": _("Only a report from the public form can be closed as misuse.")})
    _close(signal, actor=actor, outcome=outcome, note=note)
    if outcome.code == MISUSE:
        # A prank may name a real person: nothing of it is kept for the retention period.
        _erase(signal, actor=actor, reason="misuse")
    if signal.filed_by_id and signal.filed_by.is_active:
        _notify(NotificationKind.CLOSED, [signal.filed_by], signal=signal)
    return signal


@transaction.atomic
def reopen(*, signal_id: int, actor, reason: str) -> Signal:
    signal = _lock(signal_id, actor)
    check_step(signal, "reopen")
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for reopening.")})
    previous = signal.status
    signal.status = SignalStatus.IN_PROGRESS
    signal.outcome = None
    signal.closed_at = None
    if signal.assigned_to_id is None:
        signal.assigned_to = actor
    signal.save(update_fields=["status", "outcome", "closed_at", "assigned_to", "updated_at"])
    _event(signal, EventKind.REOPENED, actor=actor, from_status=previous, note=reason.strip())
    return signal


@transaction.atomic
def update_referral(*, referral_id: int, actor, status: str) -> Referral:
    """The provider's coordinator reports whether the resident signed up and started."""
    found = Referral.objects.for_provider(actor).filter(pk=referral_id).values_list("signal_id", flat=True).first()
    if found is None:
        raise PermissionDenied
    if status not in {ReferralStatus.REGISTERED, ReferralStatus.STARTED, ReferralStatus.NOT_STARTED}:
        raise ValidationError({"status": _("Choose registered, started or not started.")})
    # Lock the signal before its referral, in the same order as refer() and erasure,
    # so two of these at once cannot deadlock.
    signal = Signal.objects.select_for_update().get(pk=found)
    referral = Referral.objects.select_for_update(of=("self",)).select_related("initiative").get(pk=referral_id)
    referral.status = status
    referral.save(update_fields=["status", "updated_at"])
    _event(signal, EventKind.REFERRAL_UPDATED, actor=actor, note=f"{referral.initiative.title}: {status}")
    return referral


# Privacy --------------------------------------------------------------------------------


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
    signal.notifications.exclude(last_error="").update(last_error="")
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
