"""The signals' part of a chunk: ten years of signals with their signs, history,
contact moments and referrals, all routed to chunk 0's Signaalpunt.

A signal filed without consent is closed at once ("alleen registratie"). The others have
gone further the older they are: picked up, contacted, referred to initiatives, closed.
Closed more than 180 days ago, their personal data has been erased (as the portal's
nightly task does). Called by ``generate_chunk`` (benchmarks/generate.py) after the
coalition's part, whose staff, opvolgers and initiatives the signals refer to.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from .chunk import TODAY, Chunk, aware, copy_rows, next_id

YEARS_OF_SIGNALS = 10
REFERRAL_STATUSES = ["voorgesteld", "aangemeld", "gestart", "niet_gestart"]
CONTACT_WAYS = ["telefoon", "email", "huisbezoek", "anders"]
AGE_WEIGHTS = {"jongeren": 1, "volwassenen": 3, "ouderen": 5, "onbekend": 1}  # any other age group: 1
ERASED_AFTER_DAYS = 180

SIGNAL_COLUMNS = [
    "id",
    "number",
    "source",
    "filed_by_id",
    "filed_for_id",
    "age_group_id",
    "kern_id",
    "note",
    "consent",
    "share_with_provider",
    "resident_name",
    "resident_phone",
    "resident_email",
    "resident_address",
    "preferred_contact",
    "preferred_time",
    "resident_whereabouts",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "status",
    "handling_organisation_id",
    "first_contact_due",
    "first_contact_at",
    "working_days_to_first_contact",
    "assigned_to_id",
    "outcome_id",
    "closed_at",
    "personal_data_erased_at",
    "submission_token",
    "is_demo",
    "created_at",
    "updated_at",
]
EVENT_COLUMNS = ["signal_id", "kind", "actor_id", "from_status", "to_status", "note", "created_at"]
CONTACT_COLUMNS = ["signal_id", "by_id", "date", "way", "note", "created_at"]
REFERRAL_COLUMNS = [
    "signal_id",
    "initiative_id",
    "status",
    "share_contact",
    "created_by_id",
    "created_at",
    "updated_at",
]


@dataclass
class SignalTables:
    """The rows of the chunk's signals, per table, in the order they are written."""

    signals: list[tuple] = field(default_factory=list)
    signs: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    referrals: list[tuple] = field(default_factory=list)


@dataclass
class Handling:
    """How far a signal has come: its status, who has it and its history so far."""

    history: list[tuple]  # (kind, actor, from status, to status, note, at)
    status: str = "nieuw"
    assigned: int | None = None
    first_contact: datetime.date | None = None
    outcome: int | None = None
    closed: datetime.datetime | None = None


def add_signals(chunk: Chunk):
    """``chunk.signal_count`` signals over the last ten years, more of them in later years."""
    from signals.routing import add_working_days, working_days_between

    rng, ref = chunk.rng, chunk.ref
    signal_id = next_id(chunk.cursor, "signals_signal")
    first_day = TODAY - datetime.timedelta(days=365 * YEARS_OF_SIGNALS)
    span = (TODAY - first_day).days
    age_codes = list(ref.age_groups)
    age_weights = [AGE_WEIGHTS.get(code, 1) for code in age_codes]
    tables = SignalTables()
    for index in range(chunk.signal_count):
        sid = signal_id + index
        # More signals in later years: the programme becomes known.
        offset = int(span * rng.random() ** 0.8)
        if index == 0:
            # Filed today, with consent: every chunk has an open signal in the queue,
            # so the opvolger's page shows rows (and runs their queries) at any scale.
            offset = span
        filed_day = first_day + datetime.timedelta(days=offset)
        created = aware(filed_day, rng.randint(8 * 3600, 18 * 3600))
        source = "medewerker" if rng.random() < 0.85 else rng.choice(["inwoner_ander", "inwoner_zelf"])
        filer, filed_for = rng.choice(chunk.staff_of) if source == "medewerker" else (None, None)
        consent = rng.random() < 0.7 or index == 0
        handler = rng.choice(chunk.handlers)
        history = [("ingediend", filer, "", "nieuw", "", created), ("doorgestuurd", None, "", "nieuw", "", created)]
        if consent:
            handling = _handle(chunk, tables, sid, filed_day, created, handler, Handling(history))
        else:
            closed = created
            history.append(("afgesloten", None, "nieuw", "afgesloten", "", closed))
            handling = Handling(history, "afgesloten", outcome=ref.outcomes["alleen-registratie"], closed=closed)
        erased = handling.closed is not None and (chunk.now - handling.closed).days > ERASED_AFTER_DAYS
        erased_at = handling.closed + datetime.timedelta(days=ERASED_AFTER_DAYS + 1) if erased else None
        if erased:
            handling.history = [(k, a, f, t, "", at) for k, a, f, t, _note, at in handling.history]
            handling.history.append(("gewist", None, handling.status, handling.status, "", erased_at))
        personal = consent and not erased
        cipher, first_contact = chunk.cipher, handling.first_contact
        # The row in SIGNAL_COLUMNS' order (its random draws are in that order too).
        tables.signals.append(
            (
                sid,
                f"S-{filed_day:%Y}-{sid:06d}",
                source,
                filer,
                filed_for,
                ref.age_groups[rng.choices(age_codes, weights=age_weights)[0]],
                rng.choice(ref.kernen),
                cipher.note if personal and rng.random() < 0.6 else "",
                consent,
                personal and rng.random() < 0.5,
                cipher.name if personal else "",
                cipher.phone if personal else "",
                cipher.email if personal and rng.random() < 0.5 else "",
                cipher.address if personal else "",
                "telefoon" if personal else "",
                cipher.time if personal else "",
                # Residents' reports (the public intake) keep no reporter here: the monitor
                # only counts them by source.
                "",
                "",
                "",
                "",
                handling.status,
                chunk.signalpunt,
                add_working_days(filed_day, 3),
                first_contact,
                working_days_between(filed_day, first_contact) if first_contact else None,
                handling.assigned,
                handling.outcome,
                handling.closed,
                erased_at,
                secrets.token_urlsafe(18),
                False,
                created,
                handling.closed or created,
            )
        )
        tables.signs += [(sid, sign) for sign in rng.sample(ref.signs, rng.randint(1, 3))]
        tables.events += [(sid,) + event for event in handling.history]
    _write(chunk, tables)


def _handle(
    chunk: Chunk,
    tables: SignalTables,
    sid: int,
    filed_day: datetime.date,
    created: datetime.datetime,
    handler: int,
    handling: Handling,
) -> Handling:
    """A signal with consent: older signals have gone further, a few recent ones are still
    new or overdue. Adds the contact moment and the referrals to ``tables``."""
    rng = chunk.rng
    age_days = (TODAY - filed_day).days
    progress = min(1.0, age_days / 60) + rng.random() * 0.3
    steps = 0 if progress < 0.25 else 1 if progress < 0.45 else 2 if progress < 0.6 else 3
    if age_days > 90 and rng.random() < 0.97:
        steps = 4
    moment = created
    if steps >= 1:  # picked up
        moment += datetime.timedelta(hours=rng.randint(1, 48))
        handling.status, handling.assigned = "in_behandeling", handler
        handling.history.append(("opgepakt", handler, "nieuw", handling.status, "", moment))
    if steps >= 2:  # contacted
        handling.first_contact = min(TODAY, filed_day + datetime.timedelta(days=rng.randint(0, 9)))
        moment = max(moment, aware(handling.first_contact, 12 * 3600))
        note = chunk.cipher.event_note
        tables.contacts.append((sid, handler, handling.first_contact, rng.choice(CONTACT_WAYS), note, moment))
        handling.history.append(("contact", handler, handling.status, "contact_gehad", note, moment))
        handling.status = "contact_gehad"
    if steps >= 3 and chunk.referable and rng.random() < 0.6:  # referred
        moment += datetime.timedelta(days=rng.randint(1, 10))
        for iid in rng.sample(chunk.referable, rng.randint(1, 2)):
            # share_contact is the consent, which this signal has.
            tables.referrals.append((sid, iid, rng.choice(REFERRAL_STATUSES), True, handler, moment))
        handling.history.append(("doorverwezen", handler, handling.status, "doorverwezen", "", moment))
        handling.status = "doorverwezen"
    if steps >= 4:  # closed
        moment += datetime.timedelta(days=rng.randint(1, 30))
        outcome_codes = [code for code in chunk.ref.outcomes if code != "alleen-registratie"]
        handling.outcome, handling.closed = chunk.ref.outcomes[rng.choice(outcome_codes)], moment
        handling.history.append(("afgesloten", handler, handling.status, "afgesloten", "", moment))
        handling.status = "afgesloten"
    return handling


def _write(chunk: Chunk, tables: SignalTables):
    cur, counts = chunk.cursor, chunk.counts
    counts["signals"] = copy_rows(cur, "signals_signal", SIGNAL_COLUMNS, tables.signals)
    copy_rows(cur, "signals_signal_signs", ["signal_id", "observedsign_id"], tables.signs)
    counts["signal_events"] = copy_rows(cur, "signals_signalevent", EVENT_COLUMNS, tables.events)
    counts["contacts"] = copy_rows(cur, "signals_contactmoment", CONTACT_COLUMNS, tables.contacts)
    # A referral's updated_at is its created_at.
    counts["referrals"] = copy_rows(
        cur, "signals_referral", REFERRAL_COLUMNS, (row + (row[-1],) for row in tables.referrals)
    )
