"""Deterministic benchmark data, written with PostgreSQL COPY.

One *chunk* is Westland at its present size: 150 partners with 600 initiatives, ten
years of quarterly reach reports, 10,000 signals with their history, contacts and
referrals, and twenty years of observations. The data set at ten times the size is
chunks 0–9, so the 10× database is the 1× database with nine chunks added: every chunk
is drawn from its own seeded random generator, whatever the order they are made in.

All signals are routed to the one Signaalpunt of chunk 0, so the opvolger's queue at
10× holds ten times the signals: the hard case for the queue.

Encryption: the personal fields are Fernet tokens. Encrypting them per row would make
generation take minutes, so each distinct text is encrypted once and the token is
reused for every row (a Fernet token decrypts the same wherever it is stored).

The parts of a chunk, each one function that COPYs one kind of data, in the order
``generate_chunk`` calls them (they share a `Chunk`, benchmarks/chunk.py):

- benchmarks/generate_coalition.py: partners and their people, initiatives, reach reports;
- benchmarks/generate_signals.py: signals with their signs, history, contacts, referrals;
- here: observations; and the entry points (``generate_chunk``, ``finish_setup``,
  ``analyze``, ``survey_csv``).
"""

from __future__ import annotations

import random

from django.db import connection
from django.utils import timezone

from .chunk import TODAY, Chunk, Ciphertexts, Reference, copy_rows, reset_sequence
from .generate_coalition import OFFICER_EMAIL, add_initiatives, add_partners, add_reach
from .generate_signals import add_signals

SEED = 20261128
CHUNK_PARTNERS = 150
CHUNK_SIGNALS = 10_000
SURVEY_RESPONSES = 5_000
YEARS_OF_OBSERVATIONS = 20

OBSERVATION_COLUMNS = [
    "target_id",
    "year",
    "kern_id",
    "value",
    "ci_low",
    "ci_high",
    "respondents",
    "left_out",
    "source",
    "note",
    "is_demo",
    "created_at",
]


def generate_chunk(number: int, scale: float = 1.0) -> dict[str, int]:
    """Add chunk ``number`` (0 is the one with the Signaalpunt, the officer and the routing);
    returns the number of rows written, per kind."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        chunk = Chunk(
            number=number,
            partner_count=max(3, round(CHUNK_PARTNERS * scale)),
            signal_count=max(20, round(CHUNK_SIGNALS * scale)),
            rng=random.Random(SEED * 100 + number),
            cursor=cursor,
            ref=Reference(),
            cipher=Ciphertexts(),
            now=timezone.now(),
        )
        # In this order: each part draws from chunk.rng and uses what the parts before made.
        add_partners(chunk)
        add_initiatives(chunk)
        add_reach(chunk)
        add_signals(chunk)
        add_observations(chunk)
        for table in (
            "coalition_user",
            "coalition_organisation",
            "coalition_initiative",
            "coalition_reachreport",
            "signals_signal",
        ):
            reset_sequence(cursor, table)
    return chunk.counts


def add_observations(chunk: Chunk):
    """Twenty years per target, for the municipality (chunk 0 only: a municipality has one
    figure a year) and per village."""
    rng = chunk.rng
    observations = []
    areas = ([None] if chunk.number == 0 else []) + chunk.ref.kernen
    for target in chunk.ref.targets:
        base = float(target["baseline_value"])
        for year in range(TODAY.year - YEARS_OF_OBSERVATIONS + 1, TODAY.year + 1):
            for kern in areas:
                value = round(max(5.0, base + rng.uniform(-6, 6)), 1)
                observations.append(
                    (
                        target["id"],
                        year,
                        kern,
                        value,
                        round(value - 2.5, 1),
                        round(value + 2.5, 1),
                        rng.randint(80, 900),
                        rng.randint(0, 20),
                        f"Benchmark-peiling {chunk.number} (fictief)",
                        "",
                        False,
                        chunk.now,
                    )
                )
    chunk.counts["observations"] = copy_rows(chunk.cursor, "monitoring_observation", OBSERVATION_COLUMNS, observations)


def finish_setup():
    """What chunk 0 needs besides rows: TOTP for the opvolgers and the officer (so the MFA
    middleware lets them through, as in production), and a default routing rule."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from coalition.models import Organisation, User
    from signals.models import RoutingRule

    for user in User.objects.filter(email__in=[OFFICER_EMAIL, "opvolger0@bench.example"]):
        TOTP.activate(user, generate_totp_secret())
    RoutingRule.objects.get_or_create(
        is_default=True, defaults={"organisation": Organisation.objects.get(is_signal_handler=True)}
    )


# Rows lie on disk in the order a running portal writes them: signals and referrals as
# they are filed, reach reports quarter by quarter (the generator makes them chunk by
# chunk, in random order). Then statistics and the visibility map, as autovacuum keeps them.
CLUSTER = [
    ("signals_signal", "signal_monitor_idx"),
    ("signals_referral", "referral_monitor_idx"),
    ("coalition_reachreport", "reach_quarter_idx"),
    ("coalition_reachcount", "reach_count_quarter_idx"),
]


def analyze():
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # a test's transaction: VACUUM and CLUSTER cannot run
            cursor.execute("ANALYZE")
            return
        for table, index in CLUSTER:
            cursor.execute(f"CLUSTER {table} USING {index}")
        cursor.execute("VACUUM ANALYZE")


def survey_csv(responses: int, *, seed: int) -> str:
    """A De Jong Gierveld survey file (11 items) with ``responses`` rows."""
    rng = random.Random(seed)
    from coalition.models import Kern

    kernen = list(Kern.objects.order_by("position").values_list("name", flat=True))
    lines = ["respondent,age,kern,weight," + ",".join(f"djg{item}" for item in range(1, 12))]
    for index in range(responses):
        lonely = rng.random() < 0.4
        answers = []
        for item in range(1, 12):
            if rng.random() < 0.02:
                answers.append("")
                continue
            social = item in (1, 4, 7, 8, 11)
            leaning = (1 if social else 3) if lonely else (3 if social else 1)
            answers.append(str(leaning if rng.random() < 0.7 else rng.choice([1, 2, 3])))
        weight = f"{rng.uniform(0.5, 1.5):.3f}"
        kern = rng.choice(kernen).replace(",", " ")
        lines.append(f"r{index},{rng.randint(12, 95)},{kern},{weight}," + ",".join(answers))
    return "\n".join(lines) + "\n"
