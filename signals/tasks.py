"""Delivery of the outbox and the daily privacy and reminder work.

Tasks take primary keys and are idempotent: a notification row is locked while it is
sent and marked sent in the same transaction, so a task that runs twice (acks_late, or
the periodic retry racing the first delivery) sends the e-mail once."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coalition.constants import Role
from coalition.models import Membership

from . import services
from .constants import NotificationKind
from .models import Notification, Signal, SignalSettings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 20


def _link(notification):
    if notification.kind == NotificationKind.RECEIPT:
        return reverse("coalition:initiative_list")
    if notification.kind == NotificationKind.REFERRAL:
        return reverse("signals:referrals")
    if notification.kind == NotificationKind.CLOSED or notification.signal_id is None:
        return reverse("signals:queue")
    return reverse("signals:detail", args=[notification.signal_id])


def _describe(exc: Exception) -> str:
    """What went wrong, without the message: an SMTP error's text names the address."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:300]


def _address(notification) -> str:
    if notification.kind == NotificationKind.RECEIPT:
        return notification.signal.receipt_email
    return notification.recipient.email


@shared_task
def deliver_notification(notification_id):
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "signal")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False  # already sent, or being sent by another worker right now
        address = _address(notification)
        if not address:  # a receipt whose signal was erased before it went out
            notification.sent_at = timezone.now()
            notification.last_error = "no address"
            notification.save(update_fields=["sent_at", "last_error"])
            return False
        # E-mails carry no personal data of the resident: the kind, the number and a link.
        context = {
            "notification": notification,
            "number": notification.signal.number if notification.signal_id else "",
            "url": settings.SITE_URL + _link(notification),
        }
        if notification.kind == NotificationKind.RECEIPT:
            current = SignalSettings.current()
            context.update(days=current.first_contact_working_days, crisis_text=current.crisis_text)
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"signals/email/{notification.kind}_subject.txt", context).strip()
            body = render_to_string(f"signals/email/{notification.kind}.txt", context)
        try:
            send_mail(subject, body, None, [address])
        except Exception as exc:  # the mail server is down: keep it pending for the retry
            notification.attempts += 1
            notification.last_error = _describe(exc)
            notification.save(update_fields=["attempts", "last_error"])
            logger.warning("Notification %s not sent: %s", notification_id, notification.last_error)
            return False
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["sent_at", "attempts"])
        return True


@shared_task
def deliver_notifications(notification_ids):
    """The notifications of one change (or one retry round), each delivered as above: one
    broker message for all of them, so that filing a signal does not wait for one per opvolger."""
    return [deliver_notification(pk) for pk in notification_ids]


@shared_task
def retry_pending_notifications():
    """Beat: queue what is still pending (the broker was down, or the mail server)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=30)  # leave fresh rows to their own task
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    services.queue_delivery(pending)
    return len(pending)


@shared_task
def send_overdue_digest():
    """Daily: tell each signal-handling organisation's opvolgers which new signals are overdue."""
    today = timezone.localdate()
    overdue = Signal.objects.overdue(today).values_list("handling_organisation_id", flat=True)
    organisations = set(overdue)
    with transaction.atomic():
        already = set(
            Notification.objects.filter(kind=NotificationKind.OVERDUE_DIGEST, created_at__date=today).values_list(
                "recipient_id", flat=True
            )
        )
        recipients = [
            m.user
            for m in Membership.objects.with_role(Role.HANDLER)
            .filter(organisation_id__in=organisations)
            .select_related("user")
            if m.user_id not in already
        ]
        rows = [
            Notification.objects.create(kind=NotificationKind.OVERDUE_DIGEST, recipient=user) for user in recipients
        ]
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: services.queue_delivery(ids))
    return len(ids)


@shared_task
def erase_expired_personal_data():
    """Daily: erase residents' personal data N days after closing (settings in the admin)."""
    return services.erase_expired()
