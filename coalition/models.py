import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import (
    INVITATION_VALID_DAYS,
    Frequency,
    InitiativeKind,
    InitiativeStatus,
    OrganisationStatus,
    Role,
)
from .managers import (
    InitiativeQuerySet,
    InvitationQuerySet,
    MembershipQuerySet,
    OrganisationQuerySet,
    ReachReportQuerySet,
    UserManager,
)


class WebsiteField(models.URLField):
    """A URL field whose form field assumes https:// for an address typed without a scheme
    (Django 6's default; saying so now keeps forms and the admin consistent)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


kvk_validator = RegexValidator(r"^[0-9]{8}$", _("A KvK number has exactly eight digits."))
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{7,18}$", _("Enter a phone number, for example 0174 123 456 or +31 174 123 456.")
)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address.

    Roles inside an organisation live on :class:`Membership`; the two global roles
    live here: ``is_officer`` (beleidsmedewerker) and ``is_staff`` (beheerder).
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    is_officer = models.BooleanField(
        _("municipality officer"),
        default=False,
        help_text=_("Beleidsmedewerker: approves partners, manages targets and sees the dashboard."),
    )
    is_staff = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("Beheerder: may use the Django admin and imports."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReferenceItem(models.Model):
    """Reference data loaded by a data migration; officers may edit labels later."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Domain(ReferenceItem):
    """One of the twelve domains of society the coalition draws partners from."""

    examples = models.CharField(_("examples"), max_length=300, blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Kern(ReferenceItem):
    """A village (kern) of the municipality of Westland."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("village")
        verbose_name_plural = _("villages")


class AgeGroup(ReferenceItem):
    """Age groups used for residents and initiatives; ``max_age`` empty means no upper bound."""

    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")


class Organisation(models.Model):
    """A partner organisation of the coalition."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("domain"))
    kernen = models.ManyToManyField(Kern, blank=True, related_name="organisations", verbose_name=_("villages served"))
    description = models.TextField(_("description"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail address"), blank=True)
    public_phone = models.CharField(_("public phone number"), max_length=30, blank=True, validators=[phone_validator])
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[kvk_validator],
        help_text=_("Chamber of Commerce registration number: eight digits (optional)."),
    )
    contribution = models.TextField(
        _("contribution to the coalition"), blank=True, help_text=_("What your organisation does against loneliness.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    is_signal_handler = models.BooleanField(
        _("handles signals"), default=False, help_text=_("Signaalpunt: follows up signals routed to it.")
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Fictitious organisation created by the demo data command.")
    )
    reminded_at = models.DateTimeField(_("last reminder sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="organisation_unique_name")]

    def __str__(self):
        return self.name

    @property
    def is_approved(self):
        return self.status == OrganisationStatus.APPROVED


class Membership(models.Model):
    """A user's role in one organisation. A person may belong to several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class OrganisationEvent(models.Model):
    """Append-only history of an organisation: its status, its role in the coalition and
    (``changes``) its details, as in every history: field name → [old, new]."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="events", verbose_name=_("organisation")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=OrganisationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrganisationStatus.choices, blank=True)
    note = models.TextField(_("reason or note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text="field name → [old, new]")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("coordinators e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.organisation}: {self.from_status} → {self.to_status}"


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_VALID_DAYS)


class Invitation(models.Model):
    """A single-use invitation to join an organisation, valid for 14 days."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The invitation's e-mail in the outbox: whether it waits, went out or failed.
    message = models.OneToOneField(
        "common.Email", verbose_name=_("e-mail"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class Initiative(models.Model):
    """An activity or service of a partner that residents can join or be referred to."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=30, choices=InitiativeKind.choices)
    age_groups = models.ManyToManyField(AgeGroup, related_name="initiatives", verbose_name=_("age groups"))
    kernen = models.ManyToManyField(Kern, related_name="initiatives", verbose_name=_("villages"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online or by phone"), default=False)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    schedule = models.CharField(
        _("when"), max_length=200, blank=True, help_text=_("For example: every Tuesday 10:00–12:00.")
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    cost = models.DecimalField(
        _("cost (€)"), max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    max_participants = models.PositiveIntegerField(_("maximum number of participants"), null=True, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact phone number"), max_length=30, blank=True, validators=[phone_validator])
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.DRAFT
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now, db_index=True)

    objects = InitiativeQuerySet.as_manager()

    # What a coordinator edits (the form) and what an import may set (the resource).
    EDITABLE_FIELDS = [
        "title",
        "description",
        "kind",
        "age_groups",
        "kernen",
        "address",
        "is_online",
        "frequency",
        "schedule",
        "is_free",
        "cost",
        "max_participants",
        "accessibility",
        "accepts_referrals",
        "contact_name",
        "contact_email",
        "contact_phone",
        "start_date",
        "end_date",
        "status",
    ]

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        # The social map lists active initiatives by title: read in this order, a page of
        # twenty needs no sort of every initiative on the map.
        indexes = [
            models.Index(
                fields=["title", "id"],
                condition=models.Q(status=InitiativeStatus.ACTIVE),
                name="initiative_map_order_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_end_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class InitiativeChange(models.Model):
    """Append-only history of an initiative: who changed which fields when."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, help_text="field name → [old, new]")

    class Meta:
        verbose_name = _("initiative change")
        verbose_name_plural = _("initiative changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.initiative_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class ReachReport(models.Model):
    """How many people an initiative reached in one quarter."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="reach_reports", verbose_name=_("initiative")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    participants = models.PositiveIntegerField(_("participants (total)"))
    new_participants = models.PositiveIntegerField(_("new participants"))
    volunteers = models.PositiveIntegerField(_("volunteers"))
    meetings = models.PositiveIntegerField(_("meetings held"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The quarter's figures: what the coordinator's form, the import and the admin list show.
    FIGURES = ["participants", "new_participants", "volunteers", "meetings"]

    objects = ReachReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("reach report")
        verbose_name_plural = _("reach reports")
        ordering = ["-year", "-quarter"]
        # The monitor sums the reach of the quarters in a period.
        indexes = [
            models.Index(fields=["year", "quarter"], include=["id", "initiative", "is_demo"], name="reach_quarter_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year", "quarter"], name="reach_one_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(new_participants__lte=models.F("participants")),
                name="reach_new_within_total",
                violation_error_message=_("New participants cannot be more than the total."),
            ),
        ]

    def __str__(self):
        return f"{self.initiative} {self.year}-Q{self.quarter}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Its counts carry copies of these (ReachCount.COPIED_FROM_REPORT).
            copied = {name: getattr(self, name) for name in ReachCount.COPIED_FROM_REPORT}
            self.counts.exclude(**copied).update(**copied)

    @classmethod
    def copy_to_counts(cls, report_ids) -> None:
        """What save() does for one report, for reports saved in bulk (bulk_update calls no
        save()): their counts' copies follow them, one statement per copied column."""
        counts = ReachCount.objects.filter(report_id__in=report_ids)
        for name in ReachCount.COPIED_FROM_REPORT:
            stored = cls.objects.filter(pk=models.OuterRef("report_id")).values(name)[:1]
            counts.exclude(**{name: models.F(f"report__{name}")}).update(**{name: models.Subquery(stored)})


class ReachCount(models.Model):
    """Participants of one age group in a reach report (the parts of the total)."""

    # Indexed by reach_count_unique_age_group (report first), not on its own.
    report = models.ForeignKey(ReachReport, on_delete=models.CASCADE, related_name="counts", db_index=False)
    age_group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveIntegerField(_("participants"))
    # Copies of the report's initiative, quarter and demo flag (kept by save() here and in
    # ReachReport.save()), so that the monitor sums a period's reach from one index alone
    # instead of joining every report of the period (docs/adr/0006, ≈45,000 counts a year
    # at ten times Westland).
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    quarter = models.PositiveSmallIntegerField(_("quarter"), editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    COPIED_FROM_REPORT = ("initiative_id", "year", "quarter", "is_demo")

    class Meta:
        verbose_name = _("participants by age group")
        verbose_name_plural = _("participants by age group")
        constraints = [models.UniqueConstraint(fields=["report", "age_group"], name="reach_count_unique_age_group")]
        indexes = [
            # The monitor: the reach of the quarters in a period, with what it filters and sums.
            models.Index(
                fields=["year", "quarter"],
                include=["age_group", "participants", "is_demo", "initiative"],
                name="reach_count_quarter_idx",
            )
        ]

    def __str__(self):
        return f"{self.age_group}: {self.participants}"

    def save(self, *args, **kwargs):
        for name in self.COPIED_FROM_REPORT:
            setattr(self, name, getattr(self.report, name))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "initiative", "year", "quarter", "is_demo"}
        super().save(*args, **kwargs)
