"""The four 2028 targets and the seed's observations are loaded by monitoring migration 0002.

The expected rows are written out here, apart from the migration, so that a wrong or
missing row in the migration fails a test.
"""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from monitoring.models import Observation, Target

pytestmark = pytest.mark.django_db

MIGRATION = ("monitoring", "0002_reference_data")
RIVM = "RIVM, Wijk- en buurtcijfers eenzaamheid"
GGD = "GGD Haaglanden, Gezondheidsmonitor (geraadpleegd 29-01-2019)"


def load_from_migration():
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}").load(state_apps, None)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (Target, Observation)}


def test_four_targets_with_baselines_and_sources():
    fields = (
        "position",
        "code",
        "min_age",
        "max_age",
        "score_min",
        "score_max",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
        "source",
    )
    assert list(Target.objects.order_by("position").values_list(*fields)) == [
        (1, "ernstig", 19, None, 9, 11, Decimal("8"), 2016, Decimal("4"), 2028, RIVM),
        (2, "jongeren", 12, 18, 3, 11, Decimal("34"), None, Decimal("30"), 2028, GGD),
        (3, "volwassenen", 19, 64, 3, 11, Decimal("38"), 2016, Decimal("30"), 2028, GGD),
        (4, "ouderen", 65, None, 3, 11, Decimal("44"), 2016, Decimal("36"), 2028, RIVM),
    ]


def test_targets_are_described_as_the_seed_does():
    targets = {t.code: t for t in Target.objects.all()}
    assert {code: (t.title, t.population) for code, t in targets.items()} == {
        "ernstig": ("Ernstig eenzame volwassenen", "volwassenen 19+"),
        "jongeren": ("Eenzame jongeren", "jongeren 12–18"),
        "volwassenen": ("Eenzame volwassenen 19–64", "volwassenen 19–64"),
        "ouderen": ("Eenzame 65-plussers", "ouderen 65+"),
    }
    assert targets["ernstig"].indicator == "ernstig tot zeer ernstig eenzaam (De Jong Gierveld 9–11)"
    assert targets["jongeren"].indicator == "matig tot zeer ernstig eenzaam (De Jong Gierveld 3–11)"
    assert targets["jongeren"].baseline_note == "Jaar niet vermeld; geraadpleegd op 29-01-2019."
    assert [code for code, t in targets.items() if t.baseline_note] == ["jongeren"]
    assert "niveau van 2009" in targets["volwassenen"].notes
    assert "niveau van 2004" in targets["ouderen"].notes
    assert targets["ernstig"].notes == targets["jongeren"].notes == ""


def test_only_the_seed_observations_each_with_its_source():
    rows = set(Observation.objects.values_list("target__code", "year", "value", "source", "kern", "survey", "is_demo"))
    assert rows == {
        ("ernstig", 2016, Decimal("8"), RIVM, None, None, False),
        ("volwassenen", 2009, Decimal("30"), GGD, None, None, False),
        ("volwassenen", 2016, Decimal("38"), GGD, None, None, False),
        ("ouderen", 2004, Decimal("36"), RIVM, None, None, False),
        ("ouderen", 2016, Decimal("44"), RIVM, None, None, False),
    }
    assert Observation.objects.count() == 5
    assert set(Observation.objects.values_list("note", flat=True)) == {"Uit het Plan van Aanpak (seedtekst)."}


def test_loading_again_changes_nothing():
    before = snapshot()
    load_from_migration()
    load_from_migration()
    assert snapshot() == before


def test_loading_again_restores_a_changed_observation_in_place():
    observation = Observation.objects.get(target__code="ouderen", year=2016)
    Observation.objects.filter(pk=observation.pk).update(value=Decimal("50"))
    Target.objects.filter(code="ernstig").update(target_value=Decimal("1"))
    load_from_migration()
    assert Observation.objects.get(pk=observation.pk).value == Decimal("44")
    assert Target.objects.get(code="ernstig").target_value == Decimal("4")
    assert Observation.objects.count() == 5
