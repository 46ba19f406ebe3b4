"""Reference data exists without demo data: it is loaded by coalition migration 0002.

The expected rows are written out here, apart from the migration, so that a wrong or
missing row in the migration fails a test. The targets and observations are tested in
monitoring/tests/test_reference_data.py, the signs and outcomes in signals'.
"""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from coalition.models import AgeGroup, Domain, Kern, Organisation

pytestmark = pytest.mark.django_db

MIGRATION = ("coalition", "0002_reference_data")

DOMAINS = [
    ("gemeente", "Gemeente", "algemeen en vanuit alle domeinen"),
    ("zelforganisaties", "Zelforganisaties", "ouderenbonden, cliënten- en patiëntenorganisaties"),
    ("ondernemers", "Ondernemers", "supermarkten, kappers, notarissen"),
    ("integratie", "Integratie", "asielzoekerscentra, Vluchtelingenwerk, reclassering"),
    ("schulden-en-armoede", "Schulden en armoede", "kredietbank, incassobureaus, schuldhulpverlening"),
    ("zorg-en-welzijn", "Zorg en welzijn", "inclusief vrijgevestigde (para)medici"),
    ("wonen", "Wonen", "woningcorporaties en bouw"),
    ("kunst-en-cultuur", "Kunst en cultuur", "openbare bibliotheken, centra voor de kunsten"),
    ("geloofsgemeenschappen", "Geloofsgemeenschappen", ""),
    ("sport-en-bewegen", "Sport en bewegen", "sportscholen en -verenigingen"),
    ("onderwijs", "Onderwijs", "primair, voortgezet en hoger onderwijs"),
    ("financiele-sector", "Financiële sector", "banken, verzekeraars, lokale en regionale goededoelenfondsen"),
]

KERNEN = [
    ("naaldwijk", "Naaldwijk"),
    ("s-gravenzande", "'s-Gravenzande"),
    ("de-lier", "De Lier"),
    ("monster", "Monster"),
    ("wateringen", "Wateringen"),
    ("poeldijk", "Poeldijk"),
    ("honselersdijk", "Honselersdijk"),
    ("kwintsheul", "Kwintsheul"),
    ("maasdijk", "Maasdijk"),
    ("heenweg", "Heenweg"),
    ("ter-heijde", "Ter Heijde"),
]


def load_from_migration():
    """Run the migration's load function with the models as that migration sees them."""
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}").load(state_apps, None)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (Domain, Kern, AgeGroup)}


def test_twelve_domains_from_the_seed_in_order():
    rows = list(Domain.objects.order_by("position").values_list("position", "code", "name", "examples", "is_active"))
    assert rows == [(i, *domain, True) for i, domain in enumerate(DOMAINS, start=1)]


def test_eleven_kernen_of_westland_in_order():
    rows = list(Kern.objects.order_by("position").values_list("position", "code", "name", "is_active"))
    assert rows == [(i, *kern, True) for i, kern in enumerate(KERNEN, start=1)]


def test_age_groups_use_19_64_and_65_plus():
    rows = list(AgeGroup.objects.order_by("position").values_list("position", "code", "name", "min_age", "max_age"))
    assert rows == [
        (1, "jongeren", "Jongeren (12–18)", 12, 18),
        (2, "volwassenen", "Volwassenen (19–64)", 19, 64),
        (3, "ouderen", "Ouderen (65+)", 65, None),
        (4, "onbekend", "Onbekend", None, None),
    ]
    assert not AgeGroup.objects.filter(is_active=False).exists()


def test_no_organisations_without_demo_data():
    assert Organisation.objects.count() == 0


def test_loading_again_changes_nothing():
    before = snapshot()
    load_from_migration()
    load_from_migration()
    assert snapshot() == before


def test_loading_again_restores_a_changed_or_missing_row_in_place():
    gemeente = Domain.objects.get(code="gemeente")
    Domain.objects.filter(pk=gemeente.pk).update(name="Gemeentje", position=99)
    Kern.objects.filter(code="ter-heijde").delete()
    load_from_migration()
    assert Domain.objects.get(code="gemeente").pk == gemeente.pk
    assert Domain.objects.get(code="gemeente").name == "Gemeente"
    assert list(Kern.objects.order_by("position").values_list("code", flat=True)) == [code for code, _ in KERNEN]
    assert Domain.objects.count() == 12
