"""The four 2028 targets of the Plan van Aanpak and the observations the seed text gives,
each with its source.

The data is written out here, not imported from the application: a migration must keep
doing what it did when it was written. ``load`` is idempotent: targets by ``code``, the
seed's observations by (target, year) for the whole municipality, not from a survey and
not demo data. The root conftest.py calls it again after a test flushes the database.
"""

from decimal import Decimal

from django.db import migrations

RIVM = "RIVM, Wijk- en buurtcijfers eenzaamheid"
GGD = "GGD Haaglanden, Gezondheidsmonitor (geraadpleegd 29-01-2019)"
SEED_NOTE = "Uit het Plan van Aanpak (seedtekst)."

# In the order the dashboard shows them (position 1–4).
TARGETS = [
    {
        "code": "ernstig",
        "title": "Ernstig eenzame volwassenen",
        "population": "volwassenen 19+",
        "min_age": 19,
        "max_age": None,
        "indicator": "ernstig tot zeer ernstig eenzaam (De Jong Gierveld 9–11)",
        "score_min": 9,
        "score_max": 11,
        "baseline_value": Decimal("8"),
        "baseline_year": 2016,
        "baseline_note": "",
        "target_value": Decimal("4"),
        "target_year": 2028,
        "source": RIVM,
        "notes": "",
    },
    {
        "code": "jongeren",
        "title": "Eenzame jongeren",
        "population": "jongeren 12–18",
        "min_age": 12,
        "max_age": 18,
        "indicator": "matig tot zeer ernstig eenzaam (De Jong Gierveld 3–11)",
        "score_min": 3,
        "score_max": 11,
        "baseline_value": Decimal("34"),
        "baseline_year": None,
        "baseline_note": "Jaar niet vermeld; geraadpleegd op 29-01-2019.",
        "target_value": Decimal("30"),
        "target_year": 2028,
        "source": GGD,
        "notes": "",
    },
    {
        "code": "volwassenen",
        "title": "Eenzame volwassenen 19–64",
        "population": "volwassenen 19–64",
        "min_age": 19,
        "max_age": 64,
        "indicator": "matig en ernstig eenzaam (De Jong Gierveld 3–11)",
        "score_min": 3,
        "score_max": 11,
        "baseline_value": Decimal("38"),
        "baseline_year": 2016,
        "baseline_note": "",
        "target_value": Decimal("30"),
        "target_year": 2028,
        "source": GGD,
        "notes": "Het doel is het niveau van 2009. Het plan schrijft 19-65 jaar; het portaal gebruikt 19–64.",
    },
    {
        "code": "ouderen",
        "title": "Eenzame 65-plussers",
        "population": "ouderen 65+",
        "min_age": 65,
        "max_age": None,
        "indicator": "matig en ernstig eenzaam (De Jong Gierveld 3–11)",
        "score_min": 3,
        "score_max": 11,
        "baseline_value": Decimal("44"),
        "baseline_year": 2016,
        "baseline_note": "",
        "target_value": Decimal("36"),
        "target_year": 2028,
        "source": RIVM,
        "notes": "Het doel is het niveau van 2004. Het plan schrijft 'boven de 65'; het portaal gebruikt 65+.",
    },
]

# (target code, year, value %, source): only what the seed text states.
OBSERVATIONS = [
    ("ernstig", 2016, Decimal("8"), RIVM),
    ("volwassenen", 2009, Decimal("30"), GGD),
    ("volwassenen", 2016, Decimal("38"), GGD),
    ("ouderen", 2004, Decimal("36"), RIVM),
    ("ouderen", 2016, Decimal("44"), RIVM),
]


def load(apps, schema_editor):
    Target = apps.get_model("monitoring", "Target")
    Observation = apps.get_model("monitoring", "Observation")
    targets = {}
    for position, data in enumerate(TARGETS, start=1):
        values = {name: value for name, value in data.items() if name != "code"}
        targets[data["code"]], _created = Target.objects.update_or_create(
            code=data["code"], defaults={**values, "position": position}
        )
    for code, year, value, source in OBSERVATIONS:
        Observation.objects.update_or_create(
            target=targets[code],
            year=year,
            kern=None,
            survey=None,
            is_demo=False,
            defaults={"value": value, "source": source, "note": SEED_NOTE},
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
