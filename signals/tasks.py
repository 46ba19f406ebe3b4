"""The daily privacy and reminder work of the Signaalpunt. E-mails go through the
portal's outbox (``common.outbox``), which delivers and retries them."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from coalition.constants import Role
from coalition.models import Membership, User

from . import services
from .constants import NotificationKind
from .models import Notification, Signal
from .services import routes
from .services.outbox import _notify


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
        holders = Membership.objects.with_role(Role.HANDLER).filter(organisation_id__in=organisations)
        recipients = list(User.objects.filter(pk__in=holders.values("user_id")).exclude(pk__in=already))
        rows = _notify(NotificationKind.OVERDUE_DIGEST, recipients)
    # And whatever still waits for a route, to beheerders and officers.
    routes.remind_unrouted()
    return len(rows)


@shared_task
def erase_expired_personal_data():
    """Daily: erase residents' personal data N days after closing (settings in the admin)."""
    return services.erase_expired()


@shared_task
def erase_old_audit_rows():
    """Daily: delete rows of the contact-details audit log older than the retention period."""
    return services.erase_old_audit_rows()
