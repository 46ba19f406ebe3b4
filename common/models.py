"""The outbox: every e-mail the portal sends, kept until it is delivered or has failed.

A row is written in the same transaction as the change it announces (an invitation, a
new signal, a password reset), handed to a worker when that transaction commits, and
retried with backoff by beat while the mail server or the broker is away. It is sent at
most once (the row is locked while it is sent) and, after the last attempt, marked
failed, where a beheerder sees it in the admin and can send it again. docs/adr/0008.

No resident's address is ever stored here: a reporter's receipt names a resolver that
reads the address from the encrypted signal when the e-mail goes out. No e-mail carries
a resident's personal data in its subject or body either.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class Status(models.TextChoices):
        PENDING = "wacht", _("waiting to be sent")
        SENT = "verstuurd", _("sent")
        FAILED = "mislukt", _("failed")
        CANCELLED = "vervallen", _("not sent: no address any more")

    kind = models.CharField(_("kind"), max_length=60)
    # Exactly one way to the address: a user's account, a plain address that is no
    # resident's (an invitee, a new account), or a resolver read at delivery.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.EmailField(_("address"), blank=True)
    address_resolver = models.CharField(_("address read from"), max_length=60, blank=True)
    address_key = models.CharField(max_length=60, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    # Emptied once sent when it may hold a sign-in or reset link (``forget_body``).
    body = models.TextField(_("text"), blank=True)
    forget_body = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # The exception's type and SMTP code only: an SMTP error's text names the address.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails (outbox)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient__isnull=False, address="", address_resolver="")
                    | models.Q(recipient__isnull=True, address__gt="", address_resolver="")
                    | models.Q(recipient__isnull=True, address="", address_resolver__gt="")
                ),
                name="email_has_one_way_to_its_address",
            ),
        ]

    def __str__(self):
        return f"{self.kind} ({self.get_status_display()})"


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """The jobs a person started: the only ones their pages show (another's is a 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(started_by=user)


class ImportJob(models.Model):
    """A large import run by a worker (``common.import_jobs``): its step, progress and outcome.

    An import of more than PORTAL_BACKGROUND_IMPORT_ROWS rows is checked (the preview) and
    stored (after the confirm) by a Celery task instead of inside the request, so that no
    web worker times out. The uploaded file waits here, in the database, until the job is
    done, refused, failed or discarded, and is then emptied. Rows done are counted in the
    cache while a step runs (the step's own transaction is not visible from outside) and
    written here when it ends.
    """

    class Status(models.TextChoices):
        QUEUED = "wacht", _("waiting for a worker")
        RUNNING = "bezig", _("running")
        PREVIEWED = "voorbeeld", _("checked, waiting for confirmation")
        DONE = "klaar", _("imported")
        REFUSED = "geweigerd", _("refused: the file has errors")
        FAILED = "mislukt", _("failed")
        DISCARDED = "vervallen", _("discarded")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED, Status.DISCARDED)

    kind = models.CharField(_("kind"), max_length=100)
    label = models.CharField(_("what"), max_length=200)
    # The step the job is in: the preview (a dry run, rolled back) or the real import.
    dry_run = models.BooleanField(_("preview"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    # The uploaded file, kept only until the job is finished.
    data = models.BinaryField(null=True, editable=False)
    # What the runner needs besides the file (its dotted path, the resource, the format …).
    options = models.JSONField(default=dict, editable=False)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # A message for the person and the beheerder, in Dutch; never a traceback or a cell value.
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports (in the background)")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Heartbeat(models.Model):
    """When a Celery worker or beat last showed that it works: one row per kind of process.

    Kept in PostgreSQL, not Redis: ``/healthz`` must tell the truth while Redis is down.
    Written by ``common.heartbeat`` every ``PORTAL_HEARTBEAT_SECONDS`` with the database's
    own clock, so processes on machines whose clocks differ still agree on the age.
    """

    class Kind(models.TextChoices):
        WORKER = "worker", _("Celery worker")
        BEAT = "beat", _("Celery beat")

    kind = models.CharField(_("process"), max_length=10, choices=Kind.choices, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
