"""Signals of loneliness and their follow-up.

Residents' personal data (name, contact details, free text) lives only in
EncryptedTextField columns and is erased on schedule; everything else is the anonymous
record the monitor counts.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.models import ReferenceItem

from .constants import (
    OPEN_STATUSES,
    ContactWay,
    EventKind,
    NotificationKind,
    PreferredContact,
    ReferralStatus,
    SignalStatus,
    Source,
)
from .fields import EncryptedTextField
from .managers import ReferralQuerySet, SignalQuerySet, is_overdue


class ObservedSign(ReferenceItem):
    """A sign of loneliness a filer can tick; officers edit the list."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("observed sign")
        verbose_name_plural = _("observed signs")


class Outcome(ReferenceItem):
    """How a signal ended."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")


class SignalSettings(models.Model):
    """One row of settings officers manage in the admin."""

    first_contact_working_days = models.PositiveSmallIntegerField(
        _("working days until first contact"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    retention_days = models.PositiveSmallIntegerField(
        _("days after closing before personal data is erased"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    crisis_text = models.TextField(
        _("crisis lines shown above the forms"),
        default=(
            "Is er direct gevaar? Bel 112. Denkt iemand aan zelfdoding? Bel 113 of gratis 0800-0113, "
            "of chat via 113.nl. Zorgen over huiselijk geweld of kindermishandeling? Bel Veilig Thuis: 0800-2000."
        ),
    )

    class Meta:
        verbose_name = _("signal settings")
        verbose_name_plural = _("signal settings")

    def __str__(self):
        return str(_("Signal settings"))

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RoutingRule(models.Model):
    """Ordered rules: the first rule whose kern and age group match decides who handles a
    signal; empty means "any". The default rule catches the rest."""

    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kern = models.ForeignKey(
        "coalition.Kern", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    age_group = models.ForeignKey(
        "coalition.AgeGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("age group"),
    )
    organisation = models.ForeignKey(
        "coalition.Organisation",
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("handling organisation"),
        limit_choices_to={"is_signal_handler": True},
    )
    is_default = models.BooleanField(_("default rule"), default=False)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["is_default", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="routing_one_default_rule"
            )
        ]

    def __str__(self):
        if self.is_default:
            return f"{_('default')} → {self.organisation}"
        return f"{self.kern or '*'} / {self.age_group or '*'} → {self.organisation}"


def _submission_token():
    return secrets.token_urlsafe(24)


class Signal(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PARTNER_STAFF)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_signals",
        verbose_name=_("filed by"),
    )
    filed_for = models.ForeignKey(
        "coalition.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_signals",
        verbose_name=_("filed on behalf of"),
    )
    age_group = models.ForeignKey(
        "coalition.AgeGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("age group")
    )
    kern = models.ForeignKey("coalition.Kern", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    signs = models.ManyToManyField(ObservedSign, blank=True, related_name="signals", verbose_name=_("observed signs"))
    note = EncryptedTextField(_("note"), blank=True)
    consent = models.BooleanField(_("resident agreed to be contacted"), default=False)
    share_with_provider = models.BooleanField(
        _("resident agreed that a provider may receive their contact details"), default=False
    )
    resident_name = EncryptedTextField(_("name"), blank=True)
    resident_phone = EncryptedTextField(_("phone number"), blank=True)
    resident_email = EncryptedTextField(_("e-mail address"), blank=True)
    resident_address = EncryptedTextField(_("address"), blank=True)
    preferred_contact = models.CharField(
        _("preferred way of contact"), max_length=20, choices=PreferredContact.choices, blank=True
    )
    preferred_time = EncryptedTextField(_("best time to reach them"), blank=True)
    # Public intake about someone else: where a professional may find the resident. The
    # resident was not asked, so this is a description, not contact details given with consent.
    resident_whereabouts = EncryptedTextField(_("where the resident can be found"), blank=True)
    # Public intake: the resident who reported (about someone else) and can be asked a
    # question back. About themselves, the reporter is the resident (resident_* fields).
    reporter_name = EncryptedTextField(_("name of the reporter"), blank=True)
    reporter_phone = EncryptedTextField(_("phone number of the reporter"), blank=True)
    reporter_email = EncryptedTextField(_("e-mail address of the reporter"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.NEW)
    handling_organisation = models.ForeignKey(
        "coalition.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_signals",
        verbose_name=_("handling organisation"),
        # signal_queue_order_idx (Meta) starts with this column: an index of its own would
        # only tempt the planner away from reading the queue from that index alone.
        db_index=False,
    )
    routing_rule = models.ForeignKey(RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_contact_due = models.DateField(_("first contact due"), null=True, blank=True)
    first_contact_at = models.DateField(_("first contact on"), null=True, blank=True)
    # Working days (weekends and Dutch public holidays skipped) from the filing day to
    # first_contact_at, set with it (services.log_contact): the monitor counts signals by
    # it in the database instead of working it out in Python for every signal of a period.
    working_days_to_first_contact = models.PositiveSmallIntegerField(
        _("working days to first contact"), null=True, blank=True, editable=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_signals",
        verbose_name=_("assigned to"),
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="signals", verbose_name=_("outcome")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    submission_token = models.CharField(max_length=64, unique=True, default=_submission_token, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at"]
        indexes = [
            # The opvolger's queue: its status tabs, its order and its counts come from the
            # index alone (PostgreSQL: an index-only scan), however many signals are closed.
            models.Index(
                fields=["handling_organisation", "status", "first_contact_due", "created_at"],
                include=["id"],
                name="signal_queue_order_idx",
            ),
            # The monitor: signals filed in a period, with every column it counts them by.
            models.Index(
                fields=["created_at"],
                include=[
                    "id",
                    "age_group",
                    "kern",
                    "consent",
                    "outcome",
                    "filed_for",
                    "working_days_to_first_contact",
                    "is_demo",
                    "source",
                ],
                name="signal_monitor_idx",
            ),
            models.Index(fields=["id"], condition=models.Q(is_demo=True), name="signal_demo_idx"),
        ]
        constraints = [
            # Without consent no contact data may be stored (docs/design.md, "Signals").
            models.CheckConstraint(
                condition=models.Q(consent=True)
                | (
                    models.Q(resident_name="")
                    & models.Q(resident_phone="")
                    & models.Q(resident_email="")
                    & models.Q(resident_address="")
                    & models.Q(share_with_provider=False)
                ),
                name="signal_contact_only_with_consent",
            ),
            # Only a resident reporting about someone else leaves their own details and a
            # description of where the person lives.
            models.CheckConstraint(
                condition=models.Q(source=Source.RESIDENT_OTHER)
                | (
                    models.Q(reporter_name="")
                    & models.Q(reporter_phone="")
                    & models.Q(reporter_email="")
                    & models.Q(resident_whereabouts="")
                ),
                name="signal_reporter_only_from_residents",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        return is_overdue(self.status, self.first_contact_due)

    @property
    def has_contact_details(self):
        return any([self.resident_name, self.resident_phone, self.resident_email, self.resident_address])

    @property
    def has_reporter_details(self):
        return any([self.reporter_name, self.reporter_phone, self.reporter_email, self.resident_whereabouts])

    @property
    def has_personal_data(self):
        return self.has_contact_details or self.has_reporter_details or bool(self.note or self.preferred_time)

    @property
    def is_public(self):
        """Filed by a resident through the public intake, not by a partner's staff."""
        return self.source != Source.PARTNER_STAFF

    @property
    def is_about_someone_else(self):
        """A resident's report about someone who was not asked (and may not know)."""
        return self.source == Source.RESIDENT_OTHER

    @property
    def receipt_email(self):
        """Where the reporter's receipt goes: the reporter, or the resident who asked for themselves."""
        if self.source == Source.RESIDENT_OTHER:
            return self.reporter_email
        if self.source == Source.RESIDENT_SELF:
            return self.resident_email
        return ""


class SignalEvent(models.Model):
    """Append-only history: who changed what, when, from which status to which."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=SignalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=SignalStatus.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("signal history")
        verbose_name_plural = _("signal history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.signal} {self.kind}"


class ContactMoment(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="contacts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=20, choices=ContactWay.choices)
    note = EncryptedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.signal} {self.date}"


class Referral(models.Model):
    """A referral of a signal's resident to an initiative that accepts referrals."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="referrals")
    initiative = models.ForeignKey(
        "coalition.Initiative", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("initiative")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    share_contact = models.BooleanField(_("contact details shared with the provider"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "initiative"], name="referral_unique_initiative_per_signal")
        ]
        # The monitor counts the referrals made in a period.
        indexes = [
            models.Index(
                fields=["created_at"], include=["id", "signal", "initiative", "status"], name="referral_monitor_idx"
            )
        ]

    def __str__(self):
        return f"{self.signal} → {self.initiative}"


class ContactDetailsView(models.Model):
    """Audit log: every time a person saw a resident's contact details."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="audit_rows")
    purpose = models.CharField(_("purpose"), max_length=40)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("view of contact details")
        verbose_name_plural = _("views of contact details")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user} {self.signal} {self.viewed_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """What a signal's e-mail was about: the kind, the signal or referral and for whom.

    The e-mail itself is a row of the portal's outbox (``common.models.Email``), written in
    the same transaction, which delivers, retries and records failures. Neither holds
    personal data of the resident: a receipt's address is read from the signal when sent."""

    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Empty for a reporter's receipt (its outbox row names a resolver instead).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.OneToOneField(
        "common.Email", on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | models.Q(kind=NotificationKind.RECEIPT, signal__isnull=False),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id or 'reporter'}"
