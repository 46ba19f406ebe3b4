from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import OrganisationStatus, Role
from .managers import MembershipQuerySet, OrganisationQuerySet, UserManager


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
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail address"), blank=True)
    public_phone = models.CharField(_("public phone number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    is_signal_handler = models.BooleanField(
        _("handles signals"), default=False, help_text=_("Signaalpunt: follows up signals routed to it.")
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Fictitious organisation created by the demo data command.")
    )
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
