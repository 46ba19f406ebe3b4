"""Reference data exists without demo data: it is loaded by migrations."""

import pytest

from coalition.models import AgeGroup, Domain, Kern, Organisation
from monitoring.models import Observation, Target

pytestmark = pytest.mark.django_db


def test_twelve_domains_from_the_seed():
    names = list(Domain.objects.values_list("name", flat=True))
    assert len(names) == 12
    assert names[0] == "Gemeente"
    assert "Schulden en armoede" in names and "Financiële sector" in names


def test_eleven_kernen_of_westland():
    assert set(Kern.objects.values_list("name", flat=True)) == {
        "Naaldwijk",
        "'s-Gravenzande",
        "De Lier",
        "Monster",
        "Wateringen",
        "Poeldijk",
        "Honselersdijk",
        "Kwintsheul",
        "Maasdijk",
        "Heenweg",
        "Ter Heijde",
    }


def test_age_groups_use_19_64_and_65_plus():
    groups = {g.code: (g.min_age, g.max_age) for g in AgeGroup.objects.all()}
    assert groups == {"jongeren": (12, 18), "volwassenen": (19, 64), "ouderen": (65, None), "onbekend": (None, None)}


def test_four_targets_with_baselines_and_sources():
    targets = {t.code: t for t in Target.objects.all()}
    assert set(targets) == {"ernstig", "jongeren", "volwassenen", "ouderen"}
    expected = {
        "ernstig": (8, 2016, 4, "RIVM", (9, 11)),
        "jongeren": (34, None, 30, "GGD Haaglanden", (3, 11)),
        "volwassenen": (38, 2016, 30, "GGD Haaglanden", (3, 11)),
        "ouderen": (44, 2016, 36, "RIVM", (3, 11)),
    }
    for code, (baseline, year, target, source, scores) in expected.items():
        t = targets[code]
        assert (t.baseline_value, t.baseline_year, t.target_value, t.target_year) == (baseline, year, target, 2028)
        assert source in t.source
        assert (t.score_min, t.score_max) == scores
    assert "niet vermeld" in targets["jongeren"].baseline_note


def test_only_the_seed_observations_each_with_a_source():
    rows = set(Observation.objects.values_list("target__code", "year", "value"))
    assert rows == {
        ("ernstig", 2016, 8),
        ("volwassenen", 2009, 30),
        ("volwassenen", 2016, 38),
        ("ouderen", 2004, 36),
        ("ouderen", 2016, 44),
    }
    assert not Observation.objects.filter(source="").exists()
    assert not Observation.objects.filter(is_demo=True).exists()


def test_no_organisations_without_demo_data():
    assert Organisation.objects.count() == 0
