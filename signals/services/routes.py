"""Who takes a signal: routing at filing, signals that wait for a route, and the hand-over
of an organisation's open work when it is deactivated (docs/adr/0008).

A signal never goes to nobody: routing only chooses a Signaalpunt with an active
opvolger (``routing.find_rule``); when none qualifies the signal waits *unrouted*, and
beheerders and officers are told at once and in the daily digest until it is routed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.models import User

from .. import routing
from ..constants import OPEN_STATUSES, EventKind, NotificationKind, ReferralStatus
from ..models import Notification, Referral, Signal, SignalSettings
from .outbox import _event, _handlers, _notify, logger


def deadline_for(signal: Signal):
    days = SignalSettings.current().first_contact_working_days
    return routing.add_working_days(timezone.localtime(signal.created_at).date(), days)


def route(signal: Signal, *, note: str = "") -> bool:
    """Choose the handling organisation of a signal (row locked or new); False when none qualifies."""
    rule = routing.find_rule(signal.kern_id, signal.age_group_id)
    signal.first_contact_due = signal.first_contact_due or deadline_for(signal)
    if rule is None:
        signal.handling_organisation_id = None
        signal.routing_rule = None
        signal.save(update_fields=["handling_organisation", "routing_rule", "first_contact_due", "updated_at"])
        _event(signal, EventKind.UNROUTED, note=note)
        logger.error("Signal %s waits for a route: no Signaalpunt with an active opvolger matches.", signal.number)
        return False
    signal.handling_organisation_id = rule.organisation_id  # the id is enough: no query for the row
    signal.routing_rule = rule
    signal.save(update_fields=["handling_organisation", "routing_rule", "first_contact_due", "updated_at"])
    _event(signal, EventKind.ROUTED, note=note)
    return True


def announce(signal: Signal) -> None:
    """Tell whoever must act on a new (or newly routed) open signal."""
    if signal.status not in OPEN_STATUSES:
        return
    if signal.handling_organisation_id:
        _notify(NotificationKind.NEW_SIGNAL, _handlers(signal.handling_organisation_id), signal=signal)
    else:
        _notify(NotificationKind.UNROUTED, route_keepers(), signal=signal, extra={"count": 1})


def route_keepers():
    """Who can give a signal a route (beheerders) or must know that one has none (officers)."""
    return list(User.objects.filter(is_active=True).filter(Q(is_staff=True) | Q(is_officer=True)).order_by("pk"))


def unrouted():
    return Signal.objects.filter(handling_organisation__isnull=True, status__in=OPEN_STATUSES)


@transaction.atomic
def route_waiting(*, note: str = "") -> int:
    """Route every open signal that waits for a route, now that one may exist; returns how many found one."""
    routed = 0
    for signal in unrouted().select_for_update(of=("self",)).order_by("pk"):
        rule = routing.find_rule(signal.kern_id, signal.age_group_id)
        if rule is None:
            continue
        route(signal, note=note)
        announce(signal)
        routed += 1
    return routed


def remind_unrouted() -> int:
    """Daily: route what can be routed, and tell beheerders and officers about what still waits."""
    route_waiting(note=_("Routed by the daily check"))
    waiting = unrouted().count()
    if not waiting:
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        already = set(
            Notification.objects.filter(
                kind=NotificationKind.UNROUTED, signal__isnull=True, created_at__date=today
            ).values_list("recipient_id", flat=True)
        )
        recipients = [user for user in route_keepers() if user.pk not in already]
        _notify(NotificationKind.UNROUTED, recipients, extra={"count": waiting})
    return waiting


@transaction.atomic
def hand_over(*, organisation, actor, reason: str = "") -> dict:
    """An organisation is deactivated (inside that transaction): its open signals are routed
    again, their assignment cleared, and pending referrals to its initiatives end."""
    note = _("Handed over: %(organisation)s was deactivated.") % {"organisation": organisation.name}
    moved = 0
    for signal in (
        Signal.objects.filter(handling_organisation=organisation, status__in=OPEN_STATUSES)
        .select_for_update(of=("self",))
        .order_by("pk")
    ):
        signal.assigned_to = None
        signal.save(update_fields=["assigned_to", "updated_at"])
        _event(signal, EventKind.HANDED_OVER, actor=actor, note=note)
        route(signal, note=note)
        announce(signal)
        moved += 1

    ended = 0
    pending = (
        Referral.objects.filter(
            initiative__organisation=organisation, status__in=[ReferralStatus.PROPOSED, ReferralStatus.REGISTERED]
        )
        .select_for_update(of=("self",))
        .select_related("signal", "initiative")
    )
    referral_note = _("The organisation of %(initiative)s was deactivated: this referral ends.")
    for referral in pending:
        referral.status = ReferralStatus.NOT_STARTED
        referral.save(update_fields=["status", "updated_at"])
        signal = referral.signal
        _event(
            signal, EventKind.REFERRAL_UPDATED, actor=actor, note=referral_note % {"initiative": referral.initiative}
        )
        if signal.handling_organisation_id and signal.status in OPEN_STATUSES:
            _notify(
                NotificationKind.REFERRAL_ENDED,
                _handlers(signal.handling_organisation_id),
                signal=signal,
                referral=referral,
            )
        ended += 1
    if moved or ended:
        logger.info("%s deactivated: %s open signals handed over, %s referrals ended.", organisation.pk, moved, ended)
    return {"signals": moved, "referrals": ended}


def routing_problems() -> list[str]:
    """What keeps new signals from reaching anyone, for ``check --deploy`` and ``/healthz``."""
    from coalition.models import Organisation

    from ..models import RoutingRule

    problems = []
    signaalpunten = routing.staffed_signaalpunten()
    if not Organisation.objects.signal_handlers().exists():
        problems.append("no approved Signaalpunt (an organisation marked as signal handler)")
    elif not signaalpunten.exists():
        problems.append("no Signaalpunt has an active opvolger")
    if not RoutingRule.objects.filter(is_default=True, organisation__in=signaalpunten).exists():
        problems.append("no default route to a Signaalpunt with an active opvolger")
    return problems
