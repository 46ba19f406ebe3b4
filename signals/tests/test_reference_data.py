"""Observed signs, outcomes (with "misbruik") and the settings row are loaded by signals
migration 0002.

The expected rows are written out here, apart from the migration, so that a wrong or
missing row in the migration fails a test.
"""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from signals.constants import MISUSE
from signals.models import ObservedSign, Outcome, SignalSettings

pytestmark = pytest.mark.django_db

MIGRATION = ("signals", "0002_reference_data")


def load_from_migration():
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}").load(state_apps, None)


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in (ObservedSign, Outcome, SignalSettings)
    }


def test_observed_signs_from_the_design_in_order():
    assert list(ObservedSign.objects.order_by("position").values_list("position", "code", "name", "is_active")) == [
        (1, "recent-weduwe", "Recent weduwe of weduwnaar geworden", True),
        (2, "alleen-weinig-contact", "Woont alleen en heeft weinig contacten", True),
        (3, "mobiliteit-gezondheid", "Beperkte mobiliteit of gezondheid", True),
        (4, "geldzorgen", "Geldzorgen of schulden", True),
        (5, "taalbarriere", "Taalbarrière", True),
        (6, "recent-verhuisd", "Recent verhuisd", True),
        (7, "overbelaste-mantelzorger", "Overbelaste mantelzorger", True),
        (8, "zegt-eenzaam", "Zegt zich eenzaam te voelen", True),
        (9, "anders", "Anders", True),
    ]


def test_outcomes_end_with_misuse():
    assert list(Outcome.objects.order_by("position").values_list("position", "code", "name", "is_active")) == [
        (1, "deelname", "Neemt deel aan een activiteit", True),
        (2, "andere-hulp", "Andere hulp", True),
        (3, "geen-behoefte", "Geen behoefte", True),
        (4, "niet-bereikbaar", "Niet bereikbaar", True),
        (5, "dubbel", "Dubbel signaal", True),
        (6, "alleen-registratie", "Alleen registratie (geen toestemming voor contact)", True),
        (7, "misbruik", "Misbruik (geen echte melding)", True),
    ]
    # The code the services and the monitor look for is the one the migration loads.
    assert Outcome.objects.filter(code=MISUSE).exists()


def test_one_settings_row_with_the_defaults():
    assert list(SignalSettings.objects.values_list("pk", "first_contact_working_days", "retention_days")) == [
        (1, 3, 180)
    ]
    crisis_text = SignalSettings.objects.get().crisis_text
    assert "Bel 112" in crisis_text and "0800-0113" in crisis_text and "Veilig Thuis: 0800-2000" in crisis_text


def test_loading_again_changes_nothing():
    before = snapshot()
    load_from_migration()
    load_from_migration()
    assert snapshot() == before


def test_loading_again_restores_outcomes_but_keeps_the_officers_settings():
    Outcome.objects.filter(code=MISUSE).delete()
    Outcome.objects.filter(code="dubbel").update(name="Twee keer", position=1)
    SignalSettings.objects.filter(pk=1).update(first_contact_working_days=5)
    load_from_migration()
    assert Outcome.objects.get(code=MISUSE).position == 7
    assert Outcome.objects.get(code="dubbel").name == "Dubbel signaal"
    assert Outcome.objects.count() == 7
    assert list(SignalSettings.objects.values_list("pk", "first_contact_working_days")) == [(1, 5)]
