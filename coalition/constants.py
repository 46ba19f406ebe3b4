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
