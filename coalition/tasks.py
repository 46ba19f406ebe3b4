"""Background work of the coalition. Tasks take primary keys and are idempotent: a task
that runs twice (acks_late) sends its e-mail once, because the row records when it was sent."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from common.periods import Quarter

from .constants import STALE_REMINDER_DAYS, Role
from .models import Initiative, Invitation, Membership, Organisation, OrganisationEvent


def _send(template, context, recipients):
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"coalition/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"coalition/email/{template}.txt", context)
    send_mail(subject, body, None, recipients)


@shared_task
def clear_expired_sessions():
    """Remove expired database sessions (a no-op for cache-backed sessions)."""
    call_command("clearsessions")


@shared_task
def send_organisation_decision(event_id):
    with transaction.atomic():
        event = (
            OrganisationEvent.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return
        recipients = list(
            # Also when the organisation is rejected or deactivated: that is what they are told.
            Membership.objects.with_role(Role.COORDINATOR, event.organisation, approved_only=False).values_list(
                "user__email", flat=True
            )
        )
        if recipients:
            _send(
                "decision",
                {
                    "event": event,
                    "organisation": event.organisation,
                    "url": settings.SITE_URL + reverse("coalition:home"),
                },
                recipients,
            )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])


@shared_task
def send_invitation(invitation_id):
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.is_open:
            return
        url = settings.SITE_URL + reverse("coalition:accept_invitation", args=[invitation.token])
        _send("invitation", {"invitation": invitation, "url": url}, [invitation.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])


@shared_task
def remind_partners():
    """Weekly: ask coordinators to refresh initiatives not updated for 180 days and to
    write the reach reports of the quarter that just ended."""
    today = timezone.localdate()
    stale_before = timezone.now() - datetime.timedelta(days=STALE_REMINDER_DAYS)
    last_quarter = Quarter.of(today).previous()
    # Reach reminders only in the first weeks after a quarter ends, not all quarter long.
    remind_reach = today - last_quarter.end <= datetime.timedelta(days=28)

    active = Initiative.objects.published().select_related("organisation")
    stale = {}
    for initiative in active.filter(updated_at__lt=stale_before):
        stale.setdefault(initiative.organisation_id, []).append(initiative)
    due = {}
    if remind_reach:
        reported = active.filter(
            reach_reports__year=last_quarter.year, reach_reports__quarter=last_quarter.quarter
        ).values("pk")
        for initiative in (
            active.exclude(pk__in=reported)
            .exclude(start_date__gt=last_quarter.end)
            .exclude(end_date__lt=last_quarter.start)
        ):
            due.setdefault(initiative.organisation_id, []).append(initiative)

    # A second run in the same week (acks_late) does not e-mail anyone twice.
    week_ago = timezone.now() - datetime.timedelta(days=6)
    organisation_ids = set(
        Organisation.objects.filter(pk__in=set(stale) | set(due))
        .exclude(reminded_at__gt=week_ago)
        .values_list("pk", flat=True)
    )
    coordinators = {}
    for organisation_id, email in (
        Membership.objects.with_role(Role.COORDINATOR)
        .filter(organisation_id__in=organisation_ids)
        .values_list("organisation_id", "user__email")
    ):
        coordinators.setdefault(organisation_id, []).append(email)
    for organisation_id, emails in coordinators.items():
        _send(
            "reminder",
            {
                "stale": stale.get(organisation_id, []),
                "due": due.get(organisation_id, []),
                "quarter": last_quarter,
                "url": settings.SITE_URL + reverse("coalition:home"),
            },
            emails,
        )
        Organisation.objects.filter(pk=organisation_id).update(reminded_at=timezone.now())
    return len(coordinators)
