"""Queue an e-mail in the outbox (``common.models.Email``) and deliver it, at most once.

Apps call :func:`queue` inside the transaction of the change the e-mail announces; the
e-mail is handed to a worker when that transaction commits. Whatever happens after
that (the broker is away, the mail server refuses) the row stays and beat retries it
with backoff until it is sent or, after ``OUTBOX_MAX_ATTEMPTS``, marked failed.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Email

logger = logging.getLogger(__name__)

# Resolvers give the address of an e-mail whose address must not be stored in the outbox
# (a resident's): name → function(key) returning the address, or "" when it is gone.
_resolvers: dict[str, Callable[[str], str]] = {}

# One broker message hands this many e-mails to a worker.
BATCH = 50
# Fresh rows are left to the task queued on commit; the retry picks up the rest.
RETRY_GRACE = datetime.timedelta(seconds=30)


def register_resolver(name: str, resolve: Callable[[str], str]) -> None:
    _resolvers[name] = resolve


def max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


def backoff(attempts: int) -> datetime.timedelta:
    """Wait after a failed attempt: 1, 2, 4 … minutes, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 6 * 60))


def render(template_prefix: str, context: dict) -> tuple[str, str]:
    """Subject and text of ``<prefix>_subject.txt`` and ``<prefix>.txt``, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}.txt", context)
    return subject, body


def compose(
    kind: str,
    *,
    subject: str,
    body: str,
    recipient=None,
    address: str = "",
    resolver: str = "",
    key: str = "",
    forget_body: bool = False,
) -> Email:
    """An outbox row, not saved yet (see :func:`queue_all`)."""
    return Email(
        kind=kind,
        recipient=recipient,
        address=address,
        address_resolver=resolver,
        address_key=str(key),
        subject=subject[:300],
        body=body,
        forget_body=forget_body,
    )


def queue_all(emails: list[Email]) -> list[Email]:
    """Write e-mails to the outbox in one INSERT; they go to a worker, in one broker message,
    when the current transaction commits."""
    emails = Email.objects.bulk_create(emails)
    ids = [row.pk for row in emails]
    if ids:
        transaction.on_commit(lambda: hand_to_worker(ids))
    return emails


def queue(kind: str, **fields) -> Email:
    """Write one e-mail to the outbox; it goes to a worker when the current transaction commits."""
    return queue_all([compose(kind, **fields)])[0]


def queue_rendered(kind: str, template_prefix: str, context: dict, **to) -> Email:
    subject, body = render(template_prefix, context)
    return queue(kind, subject=subject, body=body, **to)


def hand_to_worker(email_ids) -> None:
    """Give e-mails to the broker. If it does not answer, the rows stay pending and the
    periodic retry delivers them later: no change ever fails on the broker."""
    from .tasks import deliver_emails

    email_ids = list(email_ids)
    for start in range(0, len(email_ids), BATCH):
        batch = email_ids[start : start + BATCH]
        try:
            deliver_emails.apply_async(args=[batch], retry=False)
        except Exception as exc:  # the broker is down: the outbox keeps the rows
            logger.warning("Could not hand e-mails %s to a worker (the retry will): %s", batch, type(exc).__name__)


def describe(exc: Exception) -> str:
    """What went wrong, without the message: an SMTP error's text names the address."""
    code = getattr(exc, "smtp_code", None)
    if code is None and getattr(exc, "recipients", None):
        codes = {value[0] for value in exc.recipients.values() if isinstance(value, tuple)}
        code = ",".join(map(str, sorted(codes))) or None
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:300]


def _address(email: Email) -> str:
    if email.recipient_id:
        return email.recipient.email if email.recipient.is_active else ""
    if email.address:
        return email.address
    resolve = _resolvers.get(email.address_resolver)
    if resolve is None:
        raise LookupError(f"no resolver {email.address_resolver!r}")
    return resolve(email.address_key)


def deliver(email_id: int) -> bool:
    """Send one e-mail if it is still due; True when it went out.

    The row is locked (skip_locked) and marked in the same transaction as the sending, so
    a task that runs twice, or the retry racing the first delivery, sends it once."""
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=email_id, status=Email.Status.PENDING)
            .first()
        )
        if email is None:
            return False  # sent, failed, or being sent by another worker right now
        now = timezone.now()
        try:
            address = _address(email)
            if address:
                send_mail(email.subject, email.body, None, [address])
        except Exception as exc:  # the mail server is down or refuses (or the address cannot be read): later
            email.attempts += 1
            email.last_error = describe(exc)
            if email.attempts >= max_attempts():
                email.status = Email.Status.FAILED
                logger.error(
                    "E-mail %s (%s) failed after %s attempts: %s",
                    email.pk,
                    email.kind,
                    email.attempts,
                    email.last_error,
                )
            else:
                email.next_attempt_at = now + backoff(email.attempts)
                logger.warning("E-mail %s (%s) not sent, will retry: %s", email.pk, email.kind, email.last_error)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        if not address:  # a receipt whose signal was erased, a deactivated account
            email.status = Email.Status.CANCELLED
            email.last_error = ""
            email.body = ""
            email.save(update_fields=["status", "last_error", "body"])
            return False
        email.status = Email.Status.SENT
        email.sent_at = now
        email.attempts += 1
        email.last_error = ""
        if email.forget_body:
            email.body = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error", "body"])
        return True


def due_ids(limit: int = 500) -> list[int]:
    now = timezone.now()
    return list(
        Email.objects.filter(
            status=Email.Status.PENDING, next_attempt_at__lte=now, created_at__lt=now - RETRY_GRACE
        ).values_list("pk", flat=True)[:limit]
    )


def send_again(queryset) -> int:
    """A beheerder's "send again": failed (or waiting) e-mails are due at once, with fresh attempts."""
    ids = list(queryset.exclude(status__in=[Email.Status.SENT, Email.Status.CANCELLED]).values_list("pk", flat=True))
    Email.objects.filter(pk__in=ids).update(status=Email.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: hand_to_worker(ids))
    return len(ids)


def backlog() -> dict:
    """What is left in the outbox, for ``/healthz``: e-mails waiting, the age in seconds of
    the oldest of them (``None`` when none waits) and e-mails failed (one query, using
    the status index)."""
    waiting = Q(status=Email.Status.PENDING)
    figures = Email.objects.filter(status__in=[Email.Status.PENDING, Email.Status.FAILED]).aggregate(
        waiting=Count("pk", filter=waiting),
        oldest=Min("created_at", filter=waiting),
        failed=Count("pk", filter=Q(status=Email.Status.FAILED)),
    )
    oldest = figures["oldest"]
    age = None if oldest is None else round(max((timezone.now() - oldest).total_seconds(), 0.0), 1)
    return {"waiting": figures["waiting"], "oldest_waiting_seconds": age, "failed": figures["failed"]}
