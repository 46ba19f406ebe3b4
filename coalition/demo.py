"""Demo data of the coalition: fictitious partners, initiatives and reach reports.

Everything is labelled: names end in "(demo)" and ``is_demo`` is set, so nothing here can
be mistaken for a real partner, activity or figure. One domain is left without partners
on purpose, so the partner list shows how an empty domain invites organisations to join.
"""

import datetime
import random

from django.utils import timezone

from common.periods import Quarter

from .constants import Frequency, InitiativeKind, InitiativeStatus, OrganisationStatus
from .models import AgeGroup, Domain, Initiative, Kern, Organisation, ReachCount, ReachReport

EMPTY_DOMAIN = "geloofsgemeenschappen"

ORGANISATIONS = [
    # name, domain code, kernen, signal handler
    ("Welzijn Westland (demo)", "zorg-en-welzijn", ["naaldwijk", "s-gravenzande", "de-lier", "monster"], True),
    ("Kapsalon De Schaar (demo)", "ondernemers", ["naaldwijk"], False),
    ("Bibliotheek Westland (demo)", "kunst-en-cultuur", ["naaldwijk", "wateringen", "monster"], False),
    ("Schuldhulp Westland (demo)", "schulden-en-armoede", ["naaldwijk", "poeldijk"], False),
    ("Gemeente Westland, team Welzijn (demo)", "gemeente", [], False),
    ("Seniorenvereniging De Lier (demo)", "zelforganisaties", ["de-lier"], False),
    ("Taalhuis Westland (demo)", "integratie", ["naaldwijk", "honselersdijk"], False),
    ("Woonstichting Westland (demo)", "wonen", ["s-gravenzande", "monster", "ter-heijde"], False),
    ("Wandelsportclub Westland (demo)", "sport-en-bewegen", ["kwintsheul", "wateringen"], False),
    ("Westland College (demo)", "onderwijs", ["naaldwijk", "maasdijk"], False),
    ("Fonds Westland Samen (demo)", "financiele-sector", ["heenweg", "poeldijk"], False),
]

INITIATIVES = [
    # organisation, title, kind, age groups, kernen, address (None: online), frequency, schedule,
    # free of charge, accepts referrals
    (
        "Welzijn Westland (demo)",
        "Maatjesproject Samen Op Pad",
        InitiativeKind.BUDDY,
        ["volwassenen", "ouderen"],
        ["naaldwijk", "s-gravenzande", "de-lier", "monster"],
        "Verdilaan 7, Naaldwijk",
        Frequency.ONGOING,
        "in overleg met uw maatje",
        True,
        True,
    ),
    (
        "Welzijn Westland (demo)",
        "Telefooncirkel Westland",
        InitiativeKind.REMOTE_CONTACT,
        ["ouderen"],
        ["naaldwijk", "monster", "poeldijk", "wateringen"],
        None,
        Frequency.ONGOING,
        "elke ochtend tussen 9 en 10 uur",
        True,
        True,
    ),
    (
        "Bibliotheek Westland (demo)",
        "Koffie & Krant",
        InitiativeKind.MEETING,
        ["volwassenen", "ouderen"],
        ["naaldwijk", "wateringen"],
        "Bibliotheek, Naaldwijk",
        Frequency.WEEKLY,
        "dinsdag 10.00–12.00 uur",
        True,
        True,
    ),
    (
        "Bibliotheek Westland (demo)",
        "Digicafé: hulp met je telefoon",
        InitiativeKind.PRACTICAL_HELP,
        ["ouderen"],
        ["monster"],
        "Bibliotheek, Monster",
        Frequency.WEEKLY,
        "donderdag 14.00–16.00 uur",
        True,
        False,
    ),
    (
        "Seniorenvereniging De Lier (demo)",
        "Samen eten in De Lier",
        InitiativeKind.MEETING,
        ["ouderen"],
        ["de-lier"],
        "Dorpshuis, De Lier",
        Frequency.MONTHLY,
        "eerste vrijdag van de maand, 17.30 uur",
        False,
        True,
    ),
    (
        "Taalhuis Westland (demo)",
        "Taalcafé Honselersdijk",
        InitiativeKind.ACTIVITY,
        ["jongeren", "volwassenen"],
        ["honselersdijk", "naaldwijk"],
        "Buurthuis, Honselersdijk",
        Frequency.WEEKLY,
        "woensdag 19.00–20.30 uur",
        True,
        True,
    ),
    (
        "Wandelsportclub Westland (demo)",
        "Wandelen met een praatje",
        InitiativeKind.ACTIVITY,
        ["volwassenen", "ouderen"],
        ["kwintsheul", "wateringen"],
        "Start bij de kerk, Kwintsheul",
        Frequency.WEEKLY,
        "zaterdag 10.00 uur",
        True,
        True,
    ),
    (
        "Westland College (demo)",
        "Jongerenavond Maasdijk",
        InitiativeKind.MEETING,
        ["jongeren"],
        ["maasdijk"],
        "Jongerencentrum, Maasdijk",
        Frequency.WEEKLY,
        "vrijdag 19.00–22.00 uur",
        True,
        True,
    ),
    (
        "Schuldhulp Westland (demo)",
        "Spreekuur geldzorgen",
        InitiativeKind.ADVICE,
        ["volwassenen", "ouderen"],
        ["naaldwijk", "poeldijk"],
        "Wijkcentrum, Poeldijk",
        Frequency.WEEKLY,
        "maandag 13.00–15.00 uur",
        True,
        True,
    ),
    (
        "Woonstichting Westland (demo)",
        "Buurtkamer 's-Gravenzande",
        InitiativeKind.MEETING,
        ["volwassenen", "ouderen"],
        ["s-gravenzande", "ter-heijde"],
        "Langestraat 12, 's-Gravenzande",
        Frequency.ONGOING,
        "werkdagen 10.00–16.00 uur",
        True,
        False,
    ),
    (
        "Fonds Westland Samen (demo)",
        "Uitje voor mantelzorgers",
        InitiativeKind.ACTIVITY,
        ["volwassenen"],
        ["heenweg", "poeldijk"],
        "wisselende locaties",
        Frequency.ONCE,
        "in het voorjaar",
        True,
        False,
    ),
    (
        "Kapsalon De Schaar (demo)",
        "Knipbeurt aan huis met een kop koffie",
        InitiativeKind.PRACTICAL_HELP,
        ["ouderen"],
        ["naaldwijk"],
        "bij u thuis in Naaldwijk",
        Frequency.MONTHLY,
        "op afspraak",
        False,
        False,
    ),
]


def _organisations():
    organisations = {}
    for name, domain_code, kern_codes, handler in ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "domain": Domain.objects.get(code=domain_code),
                "status": OrganisationStatus.APPROVED,
                "is_signal_handler": handler,
                "is_demo": True,
                "description": "Fictieve organisatie voor de demonstratie van het portaal.",
                "public_email": "info@demo.westland.example",
            },
        )
        organisation.kernen.set(Kern.objects.filter(code__in=kern_codes))
        organisations[name] = organisation
    return organisations


def _initiatives(organisations):
    initiatives = []
    for org_name, title, kind, groups, kernen, address, frequency, schedule, free, referrals in INITIATIVES:
        initiative, _created = Initiative.objects.update_or_create(
            organisation=organisations[org_name],
            title=f"{title} (demo)",
            defaults={
                "description": "Fictief initiatief voor de demonstratie van het portaal. "
                + schedule.capitalize()
                + ".",
                "kind": kind,
                "address": address or "",
                "is_online": address is None,
                "frequency": frequency,
                "schedule": schedule,
                "is_free": free,
                "cost": None if free else 5,
                "accepts_referrals": referrals,
                "contact_name": "Demo Contactpersoon",
                "contact_email": "activiteiten@demo.westland.example",
                "contact_phone": "0174 000 000",
                "start_date": datetime.date(2025, 1, 1),
                "status": InitiativeStatus.ACTIVE,
                "is_demo": True,
            },
        )
        initiative.age_groups.set(AgeGroup.objects.filter(code__in=groups))
        initiative.kernen.set(Kern.objects.filter(code__in=kernen))
        initiatives.append(initiative)
    return initiatives


def _reach_reports(initiatives, quarters=4):
    """Made-up reach for the last quarters (seeded, so each run writes the same numbers)."""
    groups = {group.code: group for group in AgeGroup.objects.all()}
    quarter = Quarter.of(timezone.localdate())
    for _index in range(quarters):
        quarter = quarter.previous()
        for initiative in initiatives:
            rng = random.Random(f"{initiative.title}-{quarter}")
            total = rng.randint(6, 40)
            report, _created = ReachReport.objects.update_or_create(
                initiative=initiative,
                year=quarter.year,
                quarter=quarter.quarter,
                defaults={
                    "participants": total,
                    "new_participants": rng.randint(0, total // 3),
                    "volunteers": rng.randint(1, 8),
                    "meetings": rng.randint(1, 13),
                    "is_demo": True,
                },
            )
            codes = [group.code for group in initiative.age_groups.all()]
            remaining = total
            for position, code in enumerate(codes):
                share = remaining if position == len(codes) - 1 else rng.randint(0, remaining)
                remaining -= share
                ReachCount.objects.update_or_create(
                    report=report, age_group=groups[code], defaults={"participants": share}
                )


def load():
    """Create or refresh the coalition's demo data; returns the organisations by name."""
    organisations = _organisations()
    _reach_reports(_initiatives(organisations))
    return organisations
