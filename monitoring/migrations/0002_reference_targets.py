"""The four 2028 targets and the observations the seed text gives, each with its source."""

from decimal import Decimal

from django.db import migrations

RIVM = "RIVM, Wijk- en buurtcijfers eenzaamheid"
GGD = "GGD Haaglanden, Gezondheidsmonitor (geraadpleegd 29-01-2019)"

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
        "target_value": Decimal("4"),
        "source": RIVM,
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
        "source": GGD,
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
        "target_value": Decimal("30"),
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
        "target_value": Decimal("36"),
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
    for position, data in enumerate(TARGETS, start=1):
        data = dict(data)
        code = data.pop("code")
        Target.objects.update_or_create(code=code, defaults={**data, "position": position, "target_year": 2028})
    for code, year, value, source in OBSERVATIONS:
        Observation.objects.get_or_create(
            target=Target.objects.get(code=code),
            year=year,
            kern=None,
            defaults={"value": value, "source": source, "note": "Uit het Plan van Aanpak (seedtekst)."},
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
