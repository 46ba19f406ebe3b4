"""The coalition's part of a chunk: partners and their people, initiatives, reach reports.

Called by ``generate_chunk`` (benchmarks/generate.py) in this order: each part draws
from the chunk's random generator, so the order is part of the data.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password

from .chunk import TODAY, Chunk, aware, copy_rows, next_id

INITIATIVES_PER_PARTNER = 4
QUARTERS_OF_REACH = 40
HANDLERS = 8
PASSWORD = "benchmark-wachtwoord-2028"  # noqa: S105 (a fictitious account in a throw-away database)
OFFICER_EMAIL = "beleid@bench.example"

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
# (upper bound of a random number in [0, 1), status): 80 % active, 10 % paused, …
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
ORGANISATION_COLUMNS = [
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
]
INITIATIVE_COLUMNS = [
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
]
REACH_REPORT_COLUMNS = [
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
]
REACH_COUNT_COLUMNS = ["report_id", "age_group_id", "participants", "initiative_id", "year", "quarter", "is_demo"]


def add_partners(chunk: Chunk):
    """Partners (organisations), each with a coordinator and a staff member; in chunk 0
    partner 0 is the Signaalpunt with its opvolgers, and there is an officer. The other
    chunks look up chunk 0's Signaalpunt and opvolgers."""
    rng, ref, cur = chunk.rng, chunk.ref, chunk.cursor
    user_id = next_id(cur, "coalition_user")
    org_id = next_id(cur, "coalition_organisation")
    chunk.first_organisation = org_id
    users, orgs, org_kernen, memberships = [], [], [], []
    for index in range(chunk.partner_count):
        oid = org_id + index
        is_handler = chunk.number == 0 and index == 0
        status = "goedgekeurd" if is_handler or rng.random() < 0.9 else rng.choice(["aangemeld", "gedeactiveerd"])
        domain = ref.domains[index % len(ref.domains)]
        name = "Signaalpunt Welzijn (benchmark)" if is_handler else f"Partner {chunk.number}-{index:03d} (benchmark)"
        orgs.append(
            (oid, name, domain, "Een fictieve partner voor de benchmark.", "", "", "", "", "", status, is_handler)
        )
        for kern in rng.sample(ref.kernen, rng.randint(1, 3)):
            org_kernen.append((oid, kern))
        for role in ("coordinator", "medewerker"):
            uid = user_id + len(users)
            person = f"{chunk.number}-{index}-{role}"
            users.append((uid, f"b{person}@bench.example", f"Persoon {person}"))
            memberships.append((uid, oid, role))
            if role == "medewerker" and status == "goedgekeurd":
                chunk.staff_of.append((uid, oid))
        if is_handler:
            chunk.signalpunt = oid
            for number in range(HANDLERS):
                uid = user_id + len(users)
                users.append((uid, f"opvolger{number}@bench.example", f"Opvolger {number}"))
                memberships.append((uid, oid, "opvolger"))
                chunk.handlers.append(uid)
    if chunk.number == 0:
        users.append((user_id + len(users), OFFICER_EMAIL, "Beleidsmedewerker"))
    else:
        _find_signalpunt(chunk)

    password = make_password(PASSWORD, salt=f"bench{chunk.number}")
    now = chunk.now
    chunk.counts["users"] = copy_rows(
        cur,
        "coalition_user",
        USER_COLUMNS,
        ((uid, password, email, name, email == OFFICER_EMAIL, False, True, False, now) for uid, email, name in users),
    )
    copy_rows(
        cur,
        "account_emailaddress",
        ["user_id", "email", "verified", "primary"],
        ((uid, email, True, True) for uid, email, _name in users),
    )
    chunk.counts["organisations"] = copy_rows(
        cur, "coalition_organisation", ORGANISATION_COLUMNS, (row + (False, now, now) for row in orgs)
    )
    copy_rows(cur, "coalition_organisation_kernen", ["organisation_id", "kern_id"], org_kernen)
    copy_rows(
        cur,
        "coalition_membership",
        ["user_id", "organisation_id", "role", "created_at"],
        (row + (now,) for row in memberships),
    )


def _find_signalpunt(chunk: Chunk):
    """Chunk 0's Signaalpunt and opvolgers: every chunk's signals go there."""
    cur = chunk.cursor
    cur.execute("SELECT id FROM coalition_organisation WHERE is_signal_handler ORDER BY id LIMIT 1")
    chunk.signalpunt = cur.fetchone()[0]
    cur.execute(
        "SELECT user_id FROM coalition_membership WHERE organisation_id = %s AND role = 'opvolger' ORDER BY id",
        [chunk.signalpunt],
    )
    chunk.handlers = [row[0] for row in cur.fetchall()]


def add_initiatives(chunk: Chunk):
    """Four initiatives per partner, with their age groups and villages."""
    rng, ref, cur = chunk.rng, chunk.ref, chunk.cursor
    initiative_id = next_id(cur, "coalition_initiative")
    initiatives, initiative_ages, initiative_kernen = [], [], []
    age_ids = list(ref.age_groups.values())
    for index in range(chunk.partner_count * INITIATIVES_PER_PARTNER):
        iid = initiative_id + index
        oid = chunk.first_organisation + index // INITIATIVES_PER_PARTNER
        roll = rng.random()
        status = next(status for bound, status in INITIATIVE_STATUSES if roll < bound)
        accepts = rng.random() < 0.5
        place = rng.choice(PLACES)
        title = f"{rng.choice(WORDS_TITLE)} {place} {chunk.number}-{index}"
        description = " ".join(rng.sample(WORDS_DESCRIPTION, 3))
        updated = aware(TODAY - datetime.timedelta(days=rng.randint(0, 700)), rng.randint(0, 86_399))
        is_free = rng.random() < 0.8
        # The row in INITIATIVE_COLUMNS' order (its random draws are in that order too).
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
            chunk.referable.append(iid)
        if status != "concept":
            chunk.reporting.append((iid, ages))
    chunk.counts["initiatives"] = copy_rows(cur, "coalition_initiative", INITIATIVE_COLUMNS, initiatives)
    copy_rows(cur, "coalition_initiative_age_groups", ["initiative_id", "agegroup_id"], initiative_ages)
    copy_rows(cur, "coalition_initiative_kernen", ["initiative_id", "kern_id"], initiative_kernen)


def _last_quarters(count: int) -> list[tuple[int, int]]:
    """(year, quarter) of the last ``count`` whole quarters before TODAY, the latest first."""
    quarters = []
    year, quarter = TODAY.year, (TODAY.month - 1) // 3
    for _n in range(count):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarters


def add_reach(chunk: Chunk):
    """The last forty quarters: one report per initiative (not a draft) and quarter,
    split by the initiative's age groups."""
    rng, cur = chunk.rng, chunk.cursor
    report_id = next_id(cur, "coalition_reachreport")
    reports, reach_counts = [], []
    quarters = _last_quarters(QUARTERS_OF_REACH)
    for iid, ages in chunk.reporting:
        for year, quarter in quarters:
            parts = [rng.randint(2, 25) for _age in ages]
            total = sum(parts)
            rid = report_id + len(reports)
            reports.append((rid, iid, year, quarter, total, rng.randint(0, total), rng.randint(1, 6), 12))
            reach_counts += [(rid, age, part, iid, year, quarter, False) for age, part in zip(ages, parts, strict=True)]
    now = chunk.now
    chunk.counts["reach_reports"] = copy_rows(
        cur, "coalition_reachreport", REACH_REPORT_COLUMNS, (row + (False, now, now) for row in reports)
    )
    chunk.counts["reach_counts"] = copy_rows(cur, "coalition_reachcount", REACH_COUNT_COLUMNS, reach_counts)
