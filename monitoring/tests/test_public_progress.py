"""The public progress page (/voortgang/): the four targets in plain words with their
charts, the note on the age groups, the coalition by domain, and nothing about signals."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from coalition.models import Domain, Kern
from coalition.tests.factories import InitiativeFactory, OrganisationFactory
from monitoring.models import Target
from monitoring.tests.factories import ObservationFactory
from signals.tests.factories import SignalFactory


@pytest.fixture
def english(client):
    """A client that reads the pages in English. The locale middleware leaves the last
    request's language active in this thread: put the previous one back afterwards."""
    previous = translation.get_language()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.activate(previous)


def observe(code, year, value, **kwargs):
    kwargs = {"ci_low": None, "ci_high": None, **kwargs}
    return ObservationFactory(target=Target.objects.get(code=code), year=year, value=Decimal(value), **kwargs)


@pytest.mark.django_db
def test_everyone_sees_the_four_targets_in_plain_words(english):
    observe("ouderen", 2024, "41.0", ci_low=Decimal("37.0"), ci_high=Decimal("45.0"), respondents=560)
    response = english.get("/voortgang/")
    assert response.status_code == 200
    text = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", text)) == 1
    for title in [
        "Ernstig eenzame volwassenen",
        "Eenzame jongeren",
        "Eenzame volwassenen 19–64",
        "Eenzame 65-plussers",
    ]:
        assert title in text
    # Baseline and 2028 value of each target, and its status.
    for baseline, target in [("8.0", "4.0"), ("34.0", "30.0"), ("38.0", "30.0"), ("44.0", "36.0")]:
        assert f"<dd>{baseline}% " in text and f"<dd>{target}%</dd>" in text
    assert "Status: behind" in text
    assert "In 2024 it was 41%, above the 38.7% the straight path to the target aims for that year" in text
    assert text.count("Status: no new measurement") == 3
    assert "There is no measurement after 2016 yet" in text
    assert "There is no measurement since the baseline of 34% yet" in text  # the youth figure has no year
    # The plan's age groups, and the portal's.
    assert "the plan speaks of “19-65” and “boven de 65”. This portal uses 19–64 and 65+" in text


@pytest.mark.django_db
def test_every_target_has_a_chart_and_its_numbers_as_a_table(english):
    progress = english.get("/voortgang/").context["progress"]
    text = english.get("/voortgang/").content.decode()
    assert [panel.summary.code for panel in progress.targets] == ["ernstig", "jongeren", "volwassenen", "ouderen"]
    for chart in [*(panel.chart for panel in progress.targets), progress.coalition]:
        assert f'data-chart="{chart.data_id}"' in text
        assert f'id="{chart.data_id}" type="application/json"' in text
    adults = progress.targets[2].chart
    names = [trace["name"] for trace in adults.figure["data"]]
    assert names == ["Straight path to the target", "Baseline", "Target 2028", "Measurements"]
    path = adults.figure["data"][0]
    assert (path["x"], path["y"]) == ([2016, 2028], [38.0, 30.0])
    assert [row[:3] for row in adults.table.rows] == [
        [2016, "baseline", Decimal("38.0")],
        [2009, "measurement", Decimal("30.0")],
        [2016, "measurement", Decimal("38.0")],
        [2028, "target", Decimal("30.0")],
    ]
    assert "/monitor/csv/" not in text  # downloads are for officers


@pytest.mark.django_db
def test_demo_figures_never_show_in_public(english):
    observe("volwassenen", 2024, "31.0", is_demo=True, source="Demo: fictieve meting")
    OrganisationFactory(name="Demo Buurthuis (demo)", is_demo=True)
    response = english.get("/voortgang/")
    progress = response.context["progress"]
    adults = progress.targets[2]
    assert adults.progress.status == "geen_nieuwe_meting"
    assert all("Demo" not in trace["name"] for trace in adults.chart.figure["data"])
    assert "Demo" not in response.content.decode()
    assert progress.partner_total == 0


@pytest.mark.django_db
def test_the_coalition_by_domain_with_empty_domains(english):
    care = Domain.objects.get(code="zorg-en-welzijn")
    welfare = OrganisationFactory(domain=care)
    OrganisationFactory(domain=care)
    InitiativeFactory(organisation=welfare)
    response = english.get("/voortgang/")
    progress = response.context["progress"]
    assert (progress.partner_total, progress.initiative_total) == (2, 1)
    table = progress.coalition.table
    assert table.columns == ["Domain", "Partners", "Activities"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert len(rows) == 12
    assert rows["Zorg en welzijn"] == [2, 1]
    assert rows["Onderwijs"] == [0, 0]
    assert table.total == ["Total", 2, 1]
    assert "Partner organisations: 2. Activities on the social map: 1." in response.content.decode()


@pytest.mark.django_db
def test_nothing_about_signals_and_no_breakdown_by_village(english):
    SignalFactory.create_batch(6, kern=Kern.objects.get(code="ter-heijde"))
    response = english.get("/voortgang/")
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "signal" not in main.lower()
    for village in Kern.objects.values_list("name", flat=True):
        assert village not in main


@pytest.mark.django_db
def test_progress_is_in_the_navigation_for_everyone(english):
    text = english.get("/voortgang/").content.decode()
    assert '<a class="westland-nav__link" href="/voortgang/" aria-current="page">Progress</a>' in text
