from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A person's role inside one organisation (kept on the membership)."""

    STAFF = "medewerker", _("staff member")
    COORDINATOR = "coordinator", _("coordinator")
    HANDLER = "opvolger", _("signal handler")


class OrganisationStatus(models.TextChoices):
    PENDING = "aangemeld", _("pending approval")
    APPROVED = "goedgekeurd", _("approved")
    REJECTED = "afgewezen", _("rejected")
    INACTIVE = "gedeactiveerd", _("deactivated")


class InitiativeKind(models.TextChoices):
    MEETING = "ontmoeting", _("meeting others")
    BUDDY = "maatje", _("buddy")
    REMOTE_CONTACT = "contact-op-afstand", _("contact by phone or online")
    ACTIVITY = "activiteit", _("activity or course")
    PRACTICAL_HELP = "praktische-hulp", _("practical help")
    ADVICE = "advies", _("advice and referral")
    OTHER = "anders", _("other")


class Frequency(models.TextChoices):
    ONCE = "eenmalig", _("once")
    WEEKLY = "wekelijks", _("weekly")
    MONTHLY = "maandelijks", _("monthly")
    ONGOING = "doorlopend", _("ongoing")


class InitiativeStatus(models.TextChoices):
    DRAFT = "concept", _("draft")
    ACTIVE = "actief", _("active")
    PAUSED = "gepauzeerd", _("paused")
    ENDED = "beeindigd", _("ended")


# Initiatives not updated for this many days get a reminder; after a year the
# social map says so.
STALE_REMINDER_DAYS = 180
STALE_PUBLIC_DAYS = 365
INVITATION_VALID_DAYS = 14
