"""State changes of the coalition: one function each, inside a transaction, with the
row locked, the transition validated, a history row written and follow-up work queued
after commit. Views and admin actions call these; they never set a status themselves."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import history
from common.periods import Quarter

from . import permissions
from .constants import InitiativeStatus, OrganisationStatus, Role
from .models import (
    Initiative,
    InitiativeChange,
    Invitation,
    Membership,
    Organisation,
    OrganisationEvent,
    ReachReport,
)

# Which status an officer's decision may move an organisation from, and to.
TRANSITIONS = {
    "approve": ({OrganisationStatus.PENDING, OrganisationStatus.INACTIVE}, OrganisationStatus.APPROVED),
    "reject": ({OrganisationStatus.PENDING}, OrganisationStatus.REJECTED),
    "deactivate": ({OrganisationStatus.APPROVED}, OrganisationStatus.INACTIVE),
}


class TransitionNotAllowed(ValidationError):
    pass


def _require_officer(user):
    if not permissions.is_officer(user):
        raise PermissionDenied


@transaction.atomic
def register_organisation(*, user, form) -> Organisation:
    """Store a new organisation as pending; the registering user becomes its coordinator."""
    organisation = form.save(commit=False)
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    form.save_m2m()
    Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    OrganisationEvent.objects.create(
        organisation=organisation, actor=user, to_status=OrganisationStatus.PENDING, note=_("Registered")
    )
    return organisation


@transaction.atomic
def decide_organisation(*, organisation_id: int, officer, decision: str, reason: str = "") -> OrganisationEvent:
    """Approve, reject or deactivate an organisation, and tell its coordinators by e-mail."""
    _require_officer(officer)
    allowed_from, to_status = TRANSITIONS[decision]
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if organisation.status not in allowed_from:
        raise TransitionNotAllowed(
            _("This organisation is %(status)s and cannot be changed this way.")
            % {"status": organisation.get_status_display()}
        )
    if decision in ("reject", "deactivate") and not reason.strip():
        raise ValidationError({"reason": _("Give a reason: the coordinator will read it.")})
    event = OrganisationEvent.objects.create(
        organisation=organisation,
        actor=officer,
        from_status=organisation.status,
        to_status=to_status,
        note=reason.strip(),
    )
    organisation.status = to_status
    organisation.save(update_fields=["status", "updated_at"])

    from .tasks import send_organisation_decision

    transaction.on_commit(lambda: send_organisation_decision.delay(event.pk))
    return event


@transaction.atomic
def set_signal_handler(*, organisation_id: int, officer, is_handler: bool) -> Organisation:
    _require_officer(officer)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if organisation.is_signal_handler == is_handler:
        return organisation
    if not is_handler and organisation.memberships.filter(role=Role.HANDLER).exists():
        raise TransitionNotAllowed(
            _("This organisation still has signal handlers: change their role before ending its Signaalpunt role.")
        )
    organisation.is_signal_handler = is_handler
    organisation.save(update_fields=["is_signal_handler", "updated_at"])
    OrganisationEvent.objects.create(
        organisation=organisation,
        actor=officer,
        from_status=organisation.status,
        to_status=organisation.status,
        note=_("Marked as Signaalpunt") if is_handler else _("No longer a Signaalpunt"),
    )
    return organisation


def allowed_roles(organisation) -> list[tuple[str, str]]:
    """Roles a coordinator may hand out: opvolger only in a signal-handling organisation."""
    return [(value, label) for value, label in Role.choices if value != Role.HANDLER or organisation.is_signal_handler]


def _check_role(organisation, role):
    if role not in dict(allowed_roles(organisation)):
        raise ValidationError({"role": _("This role is not available in this organisation.")})


@transaction.atomic
def invite_member(*, organisation, inviter, email: str, role: str) -> Invitation:
    if not permissions.has_role(inviter, Role.COORDINATOR, organisation):
        raise PermissionDenied
    _check_role(organisation, role)
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    # A new invitation replaces any open one for the same address.
    Invitation.objects.open().filter(organisation=organisation, email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=inviter)

    from .tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.pk))
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user) -> Membership:
    """Join the organisation. The link is single-use and only for the invited address."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("organisation").filter(token=token).first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid. Ask the coordinator for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Sign in with the address it was sent to.")
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def revoke_invitation(*, invitation_id: int, actor) -> None:
    invitation = Invitation.objects.for_user(actor).select_for_update().get(pk=invitation_id)
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def _lock_memberships(organisation_id):
    return list(Membership.objects.select_for_update().filter(organisation_id=organisation_id).order_by("pk"))


def _coordinator_remains(memberships, changed_pk, new_role=None):
    return any(m.role == Role.COORDINATOR for m in memberships if m.pk != changed_pk) or new_role == Role.COORDINATOR


@transaction.atomic
def change_role(*, membership_id: int, actor, role: str) -> Membership:
    membership = Membership.objects.select_related("organisation").get(pk=membership_id)
    if not permissions.has_role(actor, Role.COORDINATOR, membership.organisation):
        raise PermissionDenied
    _check_role(membership.organisation, role)
    memberships = _lock_memberships(membership.organisation_id)
    if not _coordinator_remains(memberships, membership.pk, role):
        raise ValidationError({"role": _("An organisation always keeps at least one coordinator.")})
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    return membership


@transaction.atomic
def remove_member(*, membership_id: int, actor) -> None:
    membership = Membership.objects.select_related("organisation").get(pk=membership_id)
    if not permissions.has_role(actor, Role.COORDINATOR, membership.organisation):
        raise PermissionDenied
    memberships = _lock_memberships(membership.organisation_id)
    if not _coordinator_remains(memberships, membership.pk):
        raise ValidationError(_("An organisation always keeps at least one coordinator."))
    Membership.objects.filter(pk=membership.pk).delete()


def snapshot_initiative(initiative: Initiative) -> dict:
    data = {}
    for field in initiative._meta.get_fields():
        if field.name in ("updated_at", "created_at", "id") or field.auto_created and not field.concrete:
            continue
        if field.many_to_many:
            if initiative.pk:
                data[field.name] = sorted(str(obj) for obj in getattr(initiative, field.name).all())
        elif field.concrete:
            value = getattr(initiative, field.attname)
            data[field.name] = value if isinstance(value, bool | int | type(None)) else str(value)
    return data


@transaction.atomic
def save_initiative(*, form, user, organisation=None) -> Initiative:
    """Create or update an initiative and append what changed to its history."""
    instance = form.instance
    if instance.pk:
        Initiative.objects.select_for_update().filter(pk=instance.pk).get()
        before = snapshot_initiative(Initiative.objects.get(pk=instance.pk))
    else:
        instance.organisation = organisation
        before = {}
    if not instance.organisation.is_approved:
        raise PermissionDenied
    initiative = form.save(commit=False)
    initiative.updated_at = timezone.now()
    initiative.save()
    form.save_m2m()
    after = snapshot_initiative(initiative)
    changes = history.diff(before, after)
    InitiativeChange.objects.create(initiative=initiative, changed_by=user, changes=changes)
    return initiative


# Reach reports -------------------------------------------------------------------------


def reach_editable(quarter: Quarter, today: datetime.date | None = None) -> bool:
    """A quarter's report can be written once the quarter has begun, until the end of the next quarter."""
    today = today or timezone.localdate()
    return quarter.start <= today <= quarter.next().end


def reach_due(initiative: Initiative, reported: set[tuple[int, int]], today: datetime.date | None = None):
    """The last quarter, when the initiative ran in it and has no report yet (else None)."""
    previous = Quarter.of(today or timezone.localdate()).previous()
    if _ran_in(initiative, previous) and previous.as_tuple() not in reported:
        return previous
    return None


def _ran_in(initiative, quarter: Quarter) -> bool:
    started = initiative.start_date is None or initiative.start_date <= quarter.end
    not_ended = initiative.end_date is None or initiative.end_date >= quarter.start
    return initiative.status != InitiativeStatus.DRAFT and started and not_ended


@transaction.atomic
def save_reach_report(*, form, user, initiative, quarter: Quarter) -> ReachReport:
    if not reach_editable(quarter):
        raise ValidationError(_("This quarter can no longer be changed."))
    Initiative.objects.select_for_update().filter(pk=initiative.pk).get()
    report = form.save(commit=False)
    report.initiative = initiative
    report.year, report.quarter = quarter.year, quarter.quarter
    report.reported_by = user
    report.save()
    form.save_counts(report)
    return report
