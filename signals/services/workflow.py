"""The follow-up workflow: one function per step (take, assign, log contact, refer,
close, reopen, a provider's referral update), each in a transaction with the signal
locked, the step checked against ALLOWED_FROM, a history row and the outbox."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.constants import Role
from coalition.models import Initiative, Membership, User

from .. import routing
from ..constants import (
    MISUSE,
    OPEN_STATUSES,
    EventKind,
    NotificationKind,
    ReferralStatus,
    SignalStatus,
)
from ..models import (
    ContactMoment,
    Referral,
    Signal,
)
from .outbox import _event, _lock, _notify
from .retention import _erase


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


@transaction.atomic
def take(*, signal_id: int, actor, assignee=None) -> Signal:
    """An opvolger takes a new signal, for themselves or a colleague of the same organisation."""
    return _hand_to(signal_id, actor, assignee or actor, step="take", kind=EventKind.TAKEN)


@transaction.atomic
def assign(*, signal_id: int, actor, assignee) -> Signal:
    return _hand_to(signal_id, actor, assignee, step="assign", kind=EventKind.ASSIGNED)


def _hand_to(signal_id: int, actor, assignee, *, step: str, kind: str) -> Signal:
    """Take and assign: the signal goes to an opvolger of the handling organisation; a new
    one (the only status taking starts from) is then in progress."""
    signal = _lock(signal_id, actor)
    check_step(signal, step)
    assignee = _colleague(signal, assignee)
    previous = signal.status
    if signal.status == SignalStatus.NEW:
        signal.status = SignalStatus.IN_PROGRESS
    signal.assigned_to = assignee
    signal.save(update_fields=["status", "assigned_to", "updated_at"])
    _event(signal, kind, actor=actor, from_status=previous)
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
