"""Background work of the coalition. Its e-mails go through the portal's outbox
(``common.outbox``), queued in the same transaction as what they announce."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common import outbox
from common.periods import Quarter

from .constants import STALE_REMINDER_DAYS, Role
from .models import Initiative, Membership, Organisation


@shared_task
def clear_expired_sessions():
    """Remove expired database sessions (a no-op for cache-backed sessions)."""
    call_command("clearsessions")


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
    for membership in (
        Membership.objects.with_role(Role.COORDINATOR)
        .filter(organisation_id__in=organisation_ids)
        .select_related("user")
    ):
        coordinators.setdefault(membership.organisation_id, []).append(membership.user)
    for organisation_id, users in coordinators.items():
        context = {
            "stale": stale.get(organisation_id, []),
            "due": due.get(organisation_id, []),
            "quarter": last_quarter,
            "url": settings.SITE_URL + reverse("coalition:home"),
            "site_url": settings.SITE_URL,
        }
        # Each organisation's reminders and its reminded_at together: a retry of the task
        # after a failure halfway never e-mails an organisation twice.
        with transaction.atomic():
            subject, body = outbox.render("coalition/email/reminder", context)
            outbox.queue_all(
                [outbox.compose("coalition.reminder", subject=subject, body=body, recipient=u) for u in users]
            )
            Organisation.objects.filter(pk=organisation_id).update(reminded_at=timezone.now())
    return len(coordinators)


@shared_task
def close_unused_accounts():
    """Daily: close accounts nobody used for PORTAL_ACCOUNT_RETENTION_DAYS (coalition.accounts)."""
    from .accounts import close_unused_accounts as close

    return close()
