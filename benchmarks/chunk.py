"""What the parts of one chunk of benchmark data share (see benchmarks/generate.py).

`Chunk` is the context every ``add_…`` function gets: the chunk's number and sizes, its
random generator, the database cursor, the reference data and the ciphertexts, and the
ids an earlier part made that a later part needs. The helpers write rows with COPY.

The random generator is consumed in a fixed order (partners, initiatives, reach,
signals, observations, each row's draws in the order they are written here), so every
run with the same seed makes the same data: change the order and the data changes.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

TODAY = datetime.date(2026, 11, 27)  # fixed, so that every run generates the same data


class Reference:
    """Ids of the reference data the migrations loaded."""

    def __init__(self):
        from coalition.models import AgeGroup, Domain, Kern
        from monitoring.models import Target
        from signals.models import ObservedSign, Outcome

        self.domains = list(Domain.objects.order_by("position").values_list("id", flat=True))
        self.kernen = list(Kern.objects.order_by("position").values_list("id", flat=True))
        self.kern_codes = list(Kern.objects.order_by("position").values_list("code", flat=True))
        self.age_groups = dict(AgeGroup.objects.values_list("code", "id"))
        self.signs = list(ObservedSign.objects.order_by("position").values_list("id", flat=True))
        self.outcomes = dict(Outcome.objects.values_list("code", "id"))
        self.targets = list(Target.objects.order_by("position").values("id", "code", "baseline_value"))


class Ciphertexts:
    """Each distinct personal text encrypted once (see benchmarks/generate.py)."""

    def __init__(self):
        from signals.fields import encrypt

        self.note = encrypt("Mevrouw vertelde dat ze sinds het overlijden van haar man weinig mensen ziet.")
        self.event_note = encrypt("Gebeld, afspraak voor een huisbezoek gemaakt.")
        self.name = encrypt("J. de Bruin")
        self.phone = encrypt("0174 123 456")
        self.email = encrypt("bewoner@voorbeeld.nl")
        self.address = encrypt("Havenstraat 1, Naaldwijk")
        self.time = encrypt("Doordeweeks in de ochtend")


@dataclass
class Chunk:
    """One chunk being generated; the ``add_…`` functions fill it in, in order."""

    number: int  # 0 is the chunk with the Signaalpunt, its opvolgers and the officer
    partner_count: int
    signal_count: int
    rng: random.Random
    cursor: object  # a psycopg cursor (COPY needs psycopg's own, not Django's wrapper)
    ref: Reference
    cipher: Ciphertexts
    now: datetime.datetime  # created_at of the rows that have no date of their own
    counts: dict[str, int] = field(default_factory=dict)  # rows written, per kind

    # Set by add_partners:
    first_organisation: int = 0  # the id of partner 0; partner i has first_organisation + i
    staff_of: list[tuple[int, int]] = field(default_factory=list)  # (user, organisation) of staff who file
    signalpunt: int | None = None  # the organisation that handles every signal (made in chunk 0)
    handlers: list[int] = field(default_factory=list)  # its opvolgers
    # Set by add_initiatives:
    referable: list[int] = field(default_factory=list)  # active initiatives that take referrals
    reporting: list[tuple[int, list[int]]] = field(default_factory=list)  # (initiative, its age groups)


def next_id(cursor, table: str) -> int:
    """The first free id of ``table`` (the rows are written with explicit ids)."""
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608  # nosec B608 - our table name
    return cursor.fetchone()[0]


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """Write ``rows`` (tuples in the order of ``columns``) with COPY; returns their number."""
    count = 0
    quoted = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:  # nosec B608 - our table and columns
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequence(cursor, table: str):
    """Point the id sequence of ``table`` past the ids COPY wrote."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608  # nosec B608
    )


def aware(day: datetime.date, seconds: int) -> datetime.datetime:
    """``seconds`` after midnight of ``day``, in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + datetime.timedelta(seconds=seconds)
