from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalStatus(models.TextChoices):
    NEW = "nieuw", _("new")
    IN_PROGRESS = "in_behandeling", _("in progress")
    CONTACTED = "contact_gehad", _("contact made")
    REFERRED = "doorverwezen", _("referred")
    CLOSED = "afgesloten", _("closed")


# The outcome code of a public report that was not a real concern (loaded by signals migration 0002).
MISUSE = "misbruik"

OPEN_STATUSES = [SignalStatus.NEW, SignalStatus.IN_PROGRESS, SignalStatus.CONTACTED, SignalStatus.REFERRED]


class Source(models.TextChoices):
    PARTNER_STAFF = "medewerker", _("staff of a partner")
    RESIDENT_OTHER = "inwoner_ander", _("resident, about someone else")
    RESIDENT_SELF = "inwoner_zelf", _("resident, about themselves")


class ContactWay(models.TextChoices):
    PHONE = "telefoon", _("phone")
    EMAIL = "email", _("e-mail")
    VISIT = "huisbezoek", _("home visit")
    OTHER = "anders", _("other")


class PreferredContact(models.TextChoices):
    PHONE = "telefoon", _("by phone")
    EMAIL = "email", _("by e-mail")
    VISIT = "huisbezoek", _("a home visit")


class ReferralStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("proposed")
    REGISTERED = "aangemeld", _("registered")
    STARTED = "gestart", _("started")
    NOT_STARTED = "niet_gestart", _("not started")


class EventKind(models.TextChoices):
    FILED = "ingediend", _("filed")
    ROUTED = "doorgestuurd", _("routed")
    UNROUTED = "zonder_route", _("waiting for a route")
    HANDED_OVER = "overgedragen", _("handed over")
    TAKEN = "opgepakt", _("taken")
    ASSIGNED = "toegewezen", _("assigned")
    CONTACT = "contact", _("contact logged")
    REFERRED = "doorverwezen", _("referred")
    REFERRAL_UPDATED = "doorverwijzing", _("referral updated")
    CLOSED = "afgesloten", _("closed")
    REOPENED = "heropend", _("reopened")
    ERASED = "gewist", _("personal data erased")


class NotificationKind(models.TextChoices):
    NEW_SIGNAL = "nieuw_signaal", _("new signal")
    ASSIGNED = "toegewezen", _("signal assigned")
    REFERRAL = "doorverwijzing", _("new referral")
    CLOSED = "afgerond", _("signal completed")
    OVERDUE_DIGEST = "overzicht_te_laat", _("overdue signals")
    RECEIPT = "ontvangstbevestiging", _("receipt for the reporter")
    UNROUTED = "zonder_route", _("signal without a route")
    REFERRAL_ENDED = "doorverwijzing_vervallen", _("referral ended")


# What the filer sees: status only, never the handler's notes.
FILER_STATUS = {
    SignalStatus.NEW: _("received"),
    SignalStatus.IN_PROGRESS: _("taken up"),
    SignalStatus.CONTACTED: _("taken up"),
    SignalStatus.REFERRED: _("taken up"),
    SignalStatus.CLOSED: _("completed"),
}
