"""Filing: a staff signal or a public report is stored once per submission token,
numbered, routed to its Signaalpunt with a first-contact date, and the opvolgers told."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..constants import (
    EventKind,
    NotificationKind,
    Source,
)
from ..models import (
    Outcome,
    Signal,
    SignalSettings,
)
from . import routes
from .outbox import REPORTER_RESOLVER, _event, _notify, number_of
from .workflow import _close

REGISTRATION_ONLY = "alleen-registratie"


@transaction.atomic
def file_signal(*, cleaned_data: dict, signs, user=None, organisation=None) -> Signal:
    """Store a staff signal, route it and tell the handling organisation.

    Without consent no contact field is stored, whatever was typed, and the signal counts
    for the monitor only: it is closed at once as "registration only".
    A resubmitted form (same submission token) returns the signal already filed.
    """
    consent = bool(cleaned_data.get("consent"))
    contact = {
        "resident_name": cleaned_data.get("resident_name", "") if consent else "",
        "resident_phone": cleaned_data.get("resident_phone", "") if consent else "",
        "resident_email": cleaned_data.get("resident_email", "") if consent else "",
        "resident_address": cleaned_data.get("resident_address", "") if consent else "",
        "preferred_contact": cleaned_data.get("preferred_contact", "") if consent else "",
        "preferred_time": cleaned_data.get("preferred_time", "") if consent else "",
        "share_with_provider": bool(cleaned_data.get("share_with_provider")) if consent else False,
    }
    signal, created = _store(
        cleaned_data,
        signs,
        source=Source.PARTNER_STAFF,
        filed_by=user,
        filed_for=organisation,
        consent=consent,
        **contact,
    )
    if not created:
        return signal
    if not consent:
        outcome = Outcome.objects.get(code=REGISTRATION_ONLY)
        _close(signal, actor=None, outcome=outcome, note="")
    else:
        routes.announce(signal)
    return signal


@transaction.atomic
def file_public_signal(*, cleaned_data: dict, signs, about_self: bool) -> tuple[Signal, bool]:
    """Store a signal from the public intake; returns (signal, created).

    About themselves, the reporter is the resident and asks to be contacted: their details
    are the resident's, given with consent. About someone else, the resident was not asked:
    nothing is stored as the resident's contact details; the reporter's own details (to ask
    a question back) and an optional description of where the person lives are kept. Either
    way the signal is routed and followed up like a staff signal; it is never closed as
    "registration only". The reporter's receipt goes through the outbox.
    """
    reporter = {
        "name": cleaned_data.get("reporter_name", ""),
        "phone": cleaned_data.get("reporter_phone", ""),
        "email": cleaned_data.get("reporter_email", ""),
    }
    if about_self:
        fields = {
            "source": Source.RESIDENT_SELF,
            "consent": True,
            "resident_name": reporter["name"],
            "resident_phone": reporter["phone"],
            "resident_email": reporter["email"],
            "share_with_provider": bool(cleaned_data.get("share_with_provider")),
        }
    else:
        fields = {
            "source": Source.RESIDENT_OTHER,
            "consent": False,
            "reporter_name": reporter["name"],
            "reporter_phone": reporter["phone"],
            "reporter_email": reporter["email"],
            "resident_whereabouts": cleaned_data.get("resident_whereabouts", ""),
        }
    signal, created = _store(cleaned_data, signs, **fields)
    if not created:
        return signal, False
    routes.announce(signal)
    if signal.receipt_email:
        _notify_reporter(signal)
    return signal, True


def _store(cleaned_data: dict, signs, **fields) -> tuple[Signal, bool]:
    """Create, number and route a signal once per submission token; returns (signal, created)."""
    token = cleaned_data["submission_token"]
    existing = Signal.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                number=f"tmp-{token[:14]}",
                age_group=cleaned_data["age_group"],
                kern=cleaned_data["kern"],
                note=cleaned_data.get("note", ""),
                submission_token=token,
                **fields,
            )
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request filed it.
        return Signal.objects.get(submission_token=token), False
    signal.number = number_of(signal)
    signal.save(update_fields=["number"])
    signal.signs.set(signs)
    _event(signal, EventKind.FILED, actor=fields.get("filed_by"))
    routes.route(signal)
    return signal, True


def _notify_reporter(signal: Signal):
    """The reporter's receipt. The outbox does not hold the address: its resolver reads it
    from the encrypted signal when the e-mail goes out (and finds none once erased)."""
    current = SignalSettings.current()
    _notify(
        NotificationKind.RECEIPT,
        [None],
        signal,
        extra={"days": current.first_contact_working_days, "crisis_text": current.crisis_text},
        resolver=REPORTER_RESOLVER,
        key=signal.pk,
    )
