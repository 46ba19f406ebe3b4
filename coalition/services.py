"""State changes of the coalition: one function each, inside a transaction, with the
row locked, the transition validated, a history row written and follow-up work queued
after commit. Views and admin actions call these; they never set a status themselves."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common import history, outbox
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
    User,
)

# Sent inside the transaction that deactivates an organisation (organisation, actor, reason),
# so that an app holding its open work (signals) hands that work over in the same
# transaction. coalition imports no other app: they listen (docs/adr/0008).
organisation_deactivated = Signal()

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


# Organisations: details here, status and the Signaalpunt role only by an officer's decision.

ORGANISATION_FIELDS = [
    "name",
    "domain",
    "kernen",
    "description",
    "website",
    "public_email",
    "public_phone",
    "kvk_number",
    "contribution",
]


def snapshot_organisation(organisation: Organisation) -> dict:
    return history.snapshot(organisation, ORGANISATION_FIELDS)


def _assign(instance, data: dict, names) -> dict:
    """Set the plain fields of ``data`` on ``instance``; return its many-to-many values."""
    many = {}
    for name in names:
        if name not in data:
            continue
        if instance._meta.get_field(name).many_to_many:
            many[name] = data[name]
        else:
            setattr(instance, name, data[name])
    return many


@transaction.atomic
def save_organisation(
    *, user, data: dict, organisation=None, note: str = "", before: dict | None = None, cleaned: bool = False
) -> Organisation:
    """Add an organisation (always pending) or change its details, with a history row.

    ``data`` maps field names to values (a form's ``cleaned_data``); only the details in
    ORGANISATION_FIELDS are taken: status and the Signaalpunt role change only through
    :func:`decide_organisation` and :func:`set_signal_handler`. ``cleaned`` says the caller
    already validated the instance (a model form, an import row); ``before`` is the stored
    snapshot when the caller holds it. ``note`` describes where a new one came from.
    """
    organisation = organisation if organisation is not None else Organisation()
    adding = organisation.pk is None
    if adding:
        before = {}
        organisation.status = OrganisationStatus.PENDING
    elif before is None:
        before = snapshot_organisation(Organisation.objects.select_for_update().get(pk=organisation.pk))
    many = _assign(organisation, data, ORGANISATION_FIELDS)
    if not cleaned:
        organisation.full_clean()
    organisation.save()
    for name, values in many.items():
        getattr(organisation, name).set(values)
    changes = history.to_record(before, snapshot_organisation(organisation))
    if changes is not None:
        OrganisationEvent.objects.create(
            organisation=organisation,
            actor=user,
            from_status="" if adding else organisation.status,
            to_status=organisation.status,
            note=note or ("" if adding else _("Details changed")),
            changes=changes,
        )
    return organisation


@transaction.atomic
def register_organisation(*, user, data: dict) -> Organisation:
    """Store a new organisation as pending; the registering user becomes its coordinator."""
    organisation = save_organisation(user=user, data=data, note=_("Registered"))
    Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
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
    if to_status == OrganisationStatus.INACTIVE:
        # Whoever holds work of the organisation (the signals app) takes it over, in this transaction.
        organisation_deactivated.send(sender=Organisation, organisation=organisation, actor=officer, reason=reason)
    _tell_coordinators(event)
    return event


def _tell_coordinators(event: OrganisationEvent):
    """The decision goes to the coordinators through the outbox, in the decision's transaction,
    also when the organisation is rejected or deactivated: that is what they are told."""
    recipients = list(User.objects.active_members(Role.COORDINATOR, event.organisation, approved_only=False))
    context = {
        "event": event,
        "organisation": event.organisation,
        "url": settings.SITE_URL + reverse("coalition:home"),
        "site_url": settings.SITE_URL,
    }
    subject, body = outbox.render("coalition/email/decision", context)
    outbox.queue_all(
        [outbox.compose("coalition.decision", subject=subject, body=body, recipient=u) for u in recipients]
    )
    event.notified_at = timezone.now()
    event.save(update_fields=["notified_at"])


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


@transaction.atomic
def create_signaalpunt(*, user, data: dict) -> Organisation:
    """The portal's first Signaalpunt, made by its first beheerder at deployment
    (``manage.py setup_portal``), when no officer exists yet to admit it: stored like any
    new organisation, then approved and marked as signal handler, with a history row."""
    organisation = save_organisation(user=user, data=data, note=_("Set up with the portal"))
    organisation.status = OrganisationStatus.APPROVED
    organisation.is_signal_handler = True
    organisation.save(update_fields=["status", "is_signal_handler", "updated_at"])
    OrganisationEvent.objects.create(
        organisation=organisation,
        actor=user,
        from_status=OrganisationStatus.PENDING,
        to_status=OrganisationStatus.APPROVED,
        note=_("Approved and marked as Signaalpunt when the portal was set up"),
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
    url = settings.SITE_URL + reverse("coalition:accept_invitation", args=[invitation.token])
    # Queued with the invitation: a mail server or broker that is away delays it, never loses it.
    invitation.message = outbox.queue_rendered(
        "coalition.invitation",
        "coalition/email/invitation",
        {"invitation": invitation, "url": url, "site_url": settings.SITE_URL},
        address=email,
        forget_body=True,  # the link lets whoever holds it join the organisation
    )
    invitation.save(update_fields=["message"])
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


def initiative_organisation_error(organisation, before: dict) -> ValidationError | None:
    """Only approved partners add initiatives, or receive one from another organisation.

    ``before`` is the initiative's stored snapshot (empty for a new one)."""
    if organisation is None or before.get("organisation") == organisation.pk or organisation.is_approved:
        return None
    return ValidationError({"organisation": _("This organisation is not an approved partner.")}, code="not_approved")


@transaction.atomic
def save_initiative(
    *, user, data: dict, initiative=None, organisation=None, before: dict | None = None, cleaned: bool = False
) -> Initiative:
    """Create or update an initiative and append what changed to its history.

    ``data`` maps field names to values (a form's ``cleaned_data``, an import row's many-to-
    many values): the fields of ``Initiative.EDITABLE_FIELDS`` and ``organisation``. A new
    initiative belongs to ``organisation`` unless ``data`` names one. ``cleaned`` says the
    caller already validated the instance (a model form, an import row); ``before`` is the
    stored snapshot when the caller holds it. Saving marks the initiative as updated now,
    also when nothing changed: the coordinator confirmed it is still current.
    """
    initiative = initiative if initiative is not None else Initiative()
    if initiative.pk is None:
        before = {}
        if organisation is not None:
            initiative.organisation = organisation
    elif before is None:
        before = snapshot_initiative(Initiative.objects.select_for_update().get(pk=initiative.pk))
    many = _assign(initiative, data, ["organisation", *Initiative.EDITABLE_FIELDS])
    error = initiative_organisation_error(initiative.organisation if initiative.organisation_id else None, before)
    if error is not None:
        raise error
    if not cleaned:
        initiative.full_clean()
    initiative.updated_at = timezone.now()
    initiative.save()
    for name, values in many.items():
        getattr(initiative, name).set(values)
    changes = history.to_record(before, snapshot_initiative(initiative))
    if changes is not None:
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
