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
"""

from __future__ import annotations

import datetime
import random
import secrets

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

SEED = 20261128
CHUNK_PARTNERS = 150
INITIATIVES_PER_PARTNER = 4
CHUNK_SIGNALS = 10_000
SURVEY_RESPONSES = 5_000
YEARS_OF_SIGNALS = 10
QUARTERS_OF_REACH = 40
YEARS_OF_OBSERVATIONS = 20
HANDLERS = 8
PASSWORD = "benchmark-wachtwoord-2028"  # noqa: S105 (a fictitious account in a throw-away database)

WORDS_TITLE = [
    "Koffieochtend",
    "Wandelgroep",
    "Samen eten",
    "Buurtkamer",
    "Taalcafé",
    "Maatjesproject",
    "Belcirkel",
    "Repair Café",
    "Moestuin",
    "Creatief atelier",
    "Fietsmaatjes",
    "Zangkoor",
    "Spelletjesmiddag",
    "Digicafé",
    "Rouwgroep",
    "Mantelzorgcafé",
]
WORDS_DESCRIPTION = [
    "Elke week samen koffie drinken en een praatje maken.",
    "Vrijwilligers bellen u wekelijks voor een gesprek.",
    "Voor iedereen die graag nieuwe mensen wil ontmoeten in de buurt.",
    "We wandelen een uur door het Westland en drinken daarna samen thee.",
    "Hulp bij formulieren, de computer en de telefoon.",
    "Een vaste maatje die met u meegaat naar activiteiten.",
    "Samen koken en eten met buurtgenoten, voor een kleine bijdrage.",
    "Voor mantelzorgers die even willen uitblazen met lotgenoten.",
    "Nederlands oefenen in een ontspannen sfeer.",
    "Zingen, schilderen of tuinieren: doe mee wanneer het u uitkomt.",
]
PLACES = ["Naaldwijk", "'s-Gravenzande", "De Lier", "Monster", "Wateringen", "Poeldijk", "Honselersdijk"]
INITIATIVE_KINDS = ["ontmoeting", "maatje", "contact-op-afstand", "activiteit", "praktische-hulp", "advies", "anders"]
FREQUENCIES = ["eenmalig", "wekelijks", "maandelijks", "doorlopend"]
REFERRAL_STATUSES = ["voorgesteld", "aangemeld", "gestart", "niet_gestart"]
CONTACT_WAYS = ["telefoon", "email", "huisbezoek", "anders"]
INITIATIVE_STATUSES = [(0.8, "actief"), (0.9, "gepauzeerd"), (0.95, "concept"), (1.0, "beeindigd")]
USER_COLUMNS = [
    "id",
    "password",
    "email",
    "full_name",
    "is_officer",
    "is_staff",
    "is_active",
    "is_superuser",
    "date_joined",
]
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


def _next_ids(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608  # nosec B608 - our table name
    return cursor.fetchone()[0]


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    quoted = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:  # nosec B608 - our table and columns
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _reset_sequence(cursor, table: str):
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608  # nosec B608
    )


def _aware(day: datetime.date, seconds: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + datetime.timedelta(seconds=seconds)


class Ciphertexts:
    """Each distinct personal text encrypted once (see the module docstring)."""

    def __init__(self):
        from signals.fields import encrypt

        self.note = encrypt("Mevrouw vertelde dat ze sinds het overlijden van haar man weinig mensen ziet.")
        self.event_note = encrypt("Gebeld, afspraak voor een huisbezoek gemaakt.")
        self.name = encrypt("J. de Bruin")
        self.phone = encrypt("0174 123 456")
        self.email = encrypt("bewoner@voorbeeld.nl")
        self.address = encrypt("Havenstraat 1, Naaldwijk")
        self.time = encrypt("Doordeweeks in de ochtend")


def generate_chunk(chunk: int, scale: float = 1.0) -> dict[str, int]:
    """Add chunk ``chunk`` (0 is the one with the Signaalpunt, the officer and the routing)."""
    from signals.routing import add_working_days, working_days_between

    rng = random.Random(SEED * 100 + chunk)
    partners = max(3, round(CHUNK_PARTNERS * scale))
    signal_count = max(20, round(CHUNK_SIGNALS * scale))
    ref = Reference()
    cipher = Ciphertexts()
    password = make_password(PASSWORD, salt=f"bench{chunk}")
    now = timezone.now()
    counts: dict[str, int] = {}
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        # Users: a coordinator and a staff member per partner; in chunk 0 also the
        # opvolgers of the Signaalpunt and an officer.
        user_id = _next_ids(cur, "coalition_user")
        org_id = _next_ids(cur, "coalition_organisation")
        users, orgs, org_kernen, memberships = [], [], [], []
        staff_of: list[tuple[int, int]] = []  # (user id, organisation id) of filers
        signalpunt = None
        handlers: list[int] = []
        for index in range(partners):
            oid = org_id + index
            is_handler = chunk == 0 and index == 0
            status = "goedgekeurd" if is_handler or rng.random() < 0.9 else rng.choice(["aangemeld", "gedeactiveerd"])
            domain = ref.domains[index % len(ref.domains)]
            name = "Signaalpunt Welzijn (benchmark)" if is_handler else f"Partner {chunk}-{index:03d} (benchmark)"
            orgs.append(
                (oid, name, domain, "Een fictieve partner voor de benchmark.", "", "", "", "", "", status, is_handler)
            )
            for kern in rng.sample(ref.kernen, rng.randint(1, 3)):
                org_kernen.append((oid, kern))
            for role in ("coordinator", "medewerker"):
                uid = user_id + len(users)
                users.append((uid, f"b{chunk}-{index}-{role}@bench.example", f"Persoon {chunk}-{index}-{role}"))
                memberships.append((uid, oid, role))
                if role == "medewerker" and status == "goedgekeurd":
                    staff_of.append((uid, oid))
            if is_handler:
                signalpunt = oid
                for number in range(HANDLERS):
                    uid = user_id + len(users)
                    users.append((uid, f"opvolger{number}@bench.example", f"Opvolger {number}"))
                    memberships.append((uid, oid, "opvolger"))
                    handlers.append(uid)
        if chunk == 0:
            users.append((user_id + len(users), "beleid@bench.example", "Beleidsmedewerker"))
        else:
            cur.execute("SELECT id FROM coalition_organisation WHERE is_signal_handler ORDER BY id LIMIT 1")
            signalpunt = cur.fetchone()[0]
            cur.execute(
                "SELECT user_id FROM coalition_membership WHERE organisation_id = %s AND role = 'opvolger' ORDER BY id",
                [signalpunt],
            )
            handlers = [row[0] for row in cur.fetchall()]
        officer_email = "beleid@bench.example"
        counts["users"] = _copy(
            cur,
            "coalition_user",
            [
                "id",
                "password",
                "email",
                "full_name",
                "is_officer",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
            ],
            (
                (uid, password, email, name, email == officer_email, False, True, False, now)
                for uid, email, name in users
            ),
        )
        _copy(
            cur,
            "account_emailaddress",
            ["user_id", "email", "verified", "primary"],
            ((uid, email, True, True) for uid, email, _name in users),
        )
        counts["organisations"] = _copy(
            cur,
            "coalition_organisation",
            [
                "id",
                "name",
                "domain_id",
                "description",
                "website",
                "public_email",
                "public_phone",
                "kvk_number",
                "contribution",
                "status",
                "is_signal_handler",
                "is_demo",
                "created_at",
                "updated_at",
            ],
            (row + (False, now, now) for row in orgs),
        )
        _copy(cur, "coalition_organisation_kernen", ["organisation_id", "kern_id"], org_kernen)
        _copy(
            cur,
            "coalition_membership",
            ["user_id", "organisation_id", "role", "created_at"],
            (row + (now,) for row in memberships),
        )

        # Initiatives, with their age groups and villages.
        initiative_id = _next_ids(cur, "coalition_initiative")
        initiatives, initiative_ages, initiative_kernen = [], [], []
        referable: list[int] = []
        reporting: list[tuple[int, list[int]]] = []
        age_ids = list(ref.age_groups.values())
        for index in range(partners * INITIATIVES_PER_PARTNER):
            iid = initiative_id + index
            oid = org_id + index // INITIATIVES_PER_PARTNER
            roll = rng.random()
            status = (
                "actief" if roll < 0.8 else "gepauzeerd" if roll < 0.9 else "concept" if roll < 0.95 else "beeindigd"
            )
            accepts = rng.random() < 0.5
            place = rng.choice(PLACES)
            title = f"{rng.choice(WORDS_TITLE)} {place} {chunk}-{index}"
            description = " ".join(rng.sample(WORDS_DESCRIPTION, 3))
            updated = _aware(TODAY - datetime.timedelta(days=rng.randint(0, 700)), rng.randint(0, 86_399))
            is_free = rng.random() < 0.8
            initiatives.append(
                (
                    iid,
                    oid,
                    title,
                    description,
                    rng.choice(INITIATIVE_KINDS),
                    f"Dorpsstraat {index % 90 + 1}, {place}",
                    rng.random() < 0.15,
                    rng.choice(FREQUENCIES),
                    "dinsdag 10:00–12:00",
                    is_free,
                    None if is_free else rng.choice([2.5, 5, 10]),
                    rng.choice([None, 10, 20]),
                    "Rolstoeltoegankelijk.",
                    accepts,
                    "Contactpersoon",
                    "activiteiten@bench.example",
                    "",
                    None,
                    None,
                    status,
                    False,
                    updated,
                    updated,
                )
            )
            ages = rng.sample(age_ids, rng.randint(1, 3))
            initiative_ages += [(iid, age) for age in ages]
            initiative_kernen += [(iid, kern) for kern in rng.sample(ref.kernen, rng.randint(1, 3))]
            if status == "actief" and accepts:
                referable.append(iid)
            if status != "concept":
                reporting.append((iid, ages))
        counts["initiatives"] = _copy(
            cur,
            "coalition_initiative",
            [
                "id",
                "organisation_id",
                "title",
                "description",
                "kind",
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
                "is_demo",
                "created_at",
                "updated_at",
            ],
            initiatives,
        )
        _copy(cur, "coalition_initiative_age_groups", ["initiative_id", "agegroup_id"], initiative_ages)
        _copy(cur, "coalition_initiative_kernen", ["initiative_id", "kern_id"], initiative_kernen)

        # Reach: the last forty quarters, one report per initiative and quarter, split by age group.
        report_id = _next_ids(cur, "coalition_reachreport")
        reports, reach_counts = [], []
        last = (TODAY.year, (TODAY.month - 1) // 3)  # the last whole quarter
        quarters = []
        year, quarter = last
        for _n in range(QUARTERS_OF_REACH):
            quarters.append((year, quarter))
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        for iid, ages in reporting:
            for year, quarter in quarters:
                parts = [rng.randint(2, 25) for _age in ages]
                total = sum(parts)
                rid = report_id + len(reports)
                reports.append((rid, iid, year, quarter, total, rng.randint(0, total), rng.randint(1, 6), 12))
                reach_counts += [
                    (rid, age, part, iid, year, quarter, False) for age, part in zip(ages, parts, strict=True)
                ]
        counts["reach_reports"] = _copy(
            cur,
            "coalition_reachreport",
            [
                "id",
                "initiative_id",
                "year",
                "quarter",
                "participants",
                "new_participants",
                "volunteers",
                "meetings",
                "is_demo",
                "created_at",
                "updated_at",
            ],
            (row + (False, now, now) for row in reports),
        )
        counts["reach_counts"] = _copy(
            cur,
            "coalition_reachcount",
            ["report_id", "age_group_id", "participants", "initiative_id", "year", "quarter", "is_demo"],
            reach_counts,
        )

        # Signals, with their signs, history, contacts and referrals.
        signal_id = _next_ids(cur, "signals_signal")
        first_day = TODAY - datetime.timedelta(days=365 * YEARS_OF_SIGNALS)
        span = (TODAY - first_day).days
        outcome_codes = [code for code in ref.outcomes if code != "alleen-registratie"]
        age_weights = {"jongeren": 1, "volwassenen": 3, "ouderen": 5, "onbekend": 1}
        age_codes = list(ref.age_groups)
        signals, signal_signs, events, contacts, referrals = [], [], [], [], []
        for index in range(signal_count):
            sid = signal_id + index
            # More signals in later years: the programme becomes known.
            offset = int(span * rng.random() ** 0.8)
            if index == 0:
                # Filed today, with consent: every chunk has an open signal in the queue,
                # so the opvolger's page shows rows (and runs their queries) at any scale.
                offset = span
            filed_day = first_day + datetime.timedelta(days=offset)
            created = _aware(filed_day, rng.randint(8 * 3600, 18 * 3600))
            age_days = (TODAY - filed_day).days
            source = "medewerker" if rng.random() < 0.85 else rng.choice(["inwoner_ander", "inwoner_zelf"])
            filer, filed_for = rng.choice(staff_of) if source == "medewerker" else (None, None)
            consent = rng.random() < 0.7 or index == 0
            due = add_working_days(filed_day, 3)
            handler = rng.choice(handlers)
            status, assigned, first_contact, outcome, closed = "nieuw", None, None, None, None
            history = [("ingediend", filer, "", "nieuw", "", created), ("doorgestuurd", None, "", "nieuw", "", created)]
            if not consent:
                status, outcome, closed = "afgesloten", ref.outcomes["alleen-registratie"], created
                history.append(("afgesloten", None, "nieuw", "afgesloten", "", created))
            else:
                # Older signals have gone further; a few recent ones are still new or overdue.
                progress = min(1.0, age_days / 60) + rng.random() * 0.3
                steps = 0 if progress < 0.25 else 1 if progress < 0.45 else 2 if progress < 0.6 else 3
                if age_days > 90 and rng.random() < 0.97:
                    steps = 4
                moment = created
                if steps >= 1:
                    moment += datetime.timedelta(hours=rng.randint(1, 48))
                    status, assigned = "in_behandeling", handler
                    history.append(("opgepakt", handler, "nieuw", status, "", moment))
                if steps >= 2:
                    first_contact = min(TODAY, filed_day + datetime.timedelta(days=rng.randint(0, 9)))
                    moment = max(moment, _aware(first_contact, 12 * 3600))
                    contacts.append((sid, handler, first_contact, rng.choice(CONTACT_WAYS), cipher.event_note, moment))
                    history.append(("contact", handler, status, "contact_gehad", cipher.event_note, moment))
                    status = "contact_gehad"
                if steps >= 3 and referable and rng.random() < 0.6:
                    moment += datetime.timedelta(days=rng.randint(1, 10))
                    for iid in rng.sample(referable, rng.randint(1, 2)):
                        referrals.append((sid, iid, rng.choice(REFERRAL_STATUSES), consent, handler, moment))
                    history.append(("doorverwezen", handler, status, "doorverwezen", "", moment))
                    status = "doorverwezen"
                if steps >= 4:
                    moment += datetime.timedelta(days=rng.randint(1, 30))
                    outcome, closed = ref.outcomes[rng.choice(outcome_codes)], moment
                    history.append(("afgesloten", handler, status, "afgesloten", "", moment))
                    status = "afgesloten"
            erased = closed is not None and (now - closed).days > 180
            personal = consent and not erased
            if erased:
                history = [(k, a, f, t, "", at) for k, a, f, t, _note, at in history]
                history.append(("gewist", None, status, status, "", closed + datetime.timedelta(days=181)))
            signals.append(
                (
                    sid,
                    f"S-{filed_day:%Y}-{sid:06d}",
                    source,
                    filer,
                    filed_for,
                    ref.age_groups[rng.choices(age_codes, weights=[age_weights.get(c, 1) for c in age_codes])[0]],
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
                    status,
                    signalpunt,
                    due,
                    first_contact,
                    working_days_between(filed_day, first_contact) if first_contact else None,
                    assigned,
                    outcome,
                    closed,
                    (closed + datetime.timedelta(days=181)) if erased else None,
                    secrets.token_urlsafe(18),
                    False,
                    created,
                    closed or created,
                )
            )
            signal_signs += [(sid, sign) for sign in rng.sample(ref.signs, rng.randint(1, 3))]
            events += [(sid,) + event for event in history]
        counts["signals"] = _copy(
            cur,
            "signals_signal",
            [
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
            ],
            signals,
        )
        _copy(cur, "signals_signal_signs", ["signal_id", "observedsign_id"], signal_signs)
        counts["signal_events"] = _copy(
            cur,
            "signals_signalevent",
            ["signal_id", "kind", "actor_id", "from_status", "to_status", "note", "created_at"],
            events,
        )
        counts["contacts"] = _copy(
            cur, "signals_contactmoment", ["signal_id", "by_id", "date", "way", "note", "created_at"], contacts
        )
        counts["referrals"] = _copy(
            cur,
            "signals_referral",
            ["signal_id", "initiative_id", "status", "share_contact", "created_by_id", "created_at", "updated_at"],
            (row + (row[-1],) for row in referrals),
        )

        # Observations: twenty years per target, for the municipality (chunk 0 only: a
        # municipality has one figure a year) and per village.
        observations = []
        areas = ([None] if chunk == 0 else []) + ref.kernen
        for target in ref.targets:
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
                            f"Benchmark-peiling {chunk} (fictief)",
                            "",
                            False,
                            now,
                        )
                    )
        counts["observations"] = _copy(
            cur,
            "monitoring_observation",
            [
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
            ],
            observations,
        )
        for table in (
            "coalition_user",
            "coalition_organisation",
            "coalition_initiative",
            "coalition_reachreport",
            "signals_signal",
        ):
            _reset_sequence(cur, table)
    return counts


def finish_setup():
    """What chunk 0 needs besides rows: TOTP for the opvolgers and the officer (so the MFA
    middleware lets them through, as in production), and a default routing rule."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from coalition.models import Organisation, User
    from signals.models import RoutingRule

    for user in User.objects.filter(email__in=["beleid@bench.example", "opvolger0@bench.example"]):
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
