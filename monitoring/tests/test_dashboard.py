"""The officers' dashboard, its CSV downloads and the council report.

Pages are read in English (the language cookie), so that what is asserted does not
depend on the Dutch catalogue.
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import plotly
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from coalition.models import AgeGroup, Domain, Kern, ReachCount
from coalition.tests.factories import InitiativeFactory, OrganisationFactory, ReachReportFactory
from monitoring import selectors, tasks
from monitoring.dashboard.cache import VERSION_KEY, bump_version, data_version
from monitoring.dashboard.disclosure import protect
from monitoring.dashboard.figures import Chart
from monitoring.dashboard.tables import Table, int_text
from monitoring.models import Observation, Target
from monitoring.tests.factories import ObservationFactory
from signals.constants import ReferralStatus, SignalStatus
from signals.models import Outcome
from signals.tests.factories import ReferralFactory, SignalFactory, SignalHandlerOrganisationFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PERIOD = {"start": "2026-01", "end": "2026-12"}


def at(day: str, hour=10):
    """An aware moment on a day of 2026, in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00"))


@pytest.fixture
def english(client):
    """A client that reads the pages in English. The locale middleware leaves the last
    request's language active in this thread: put the previous one back afterwards."""
    previous = translation.get_language()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.activate(previous)


@pytest.fixture
def officer_client(english, officer):
    english.force_login(officer)
    return english


def get_csv(client, chart, **params):
    response = client.get(f"/monitor/csv/{chart}/", {**PERIOD, **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def kern(code):
    return Kern.objects.get(code=code)


def observe(code, year, value, **kwargs):
    """A measurement for the whole municipality, without an interval unless given."""
    kwargs = {"ci_low": None, "ci_high": None, **kwargs}
    return ObservationFactory(target=Target.objects.get(code=code), year=year, value=Decimal(value), **kwargs)


def age(code):
    return AgeGroup.objects.get(code=code)


# Who may see it ---------------------------------------------------------------------

OFFICER_PAGES = ["/monitor/", "/monitor/rapport/", "/monitor/csv/signals-by-kern/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_member", "coordinator", "handler", "administrator"])
@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_only_officers_see_the_monitor(client, request, role, path):
    client.force_login(request.getfixturevalue(role))
    assert client.get(path).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_officers_see_the_monitor(officer_client, path):
    assert officer_client.get(path).status_code == 200


@pytest.mark.django_db
def test_an_unknown_chart_has_no_csv(officer_client):
    assert officer_client.get("/monitor/csv/no-such-chart/").status_code == 404


@pytest.mark.django_db
def test_navigation_shows_monitor_to_officers_and_progress_to_everyone(english, officer, staff_member):
    assert 'href="/voortgang/"' in english.get("/").content.decode()
    assert 'href="/monitor/"' not in english.get("/").content.decode()
    english.force_login(staff_member)
    assert 'href="/monitor/"' not in english.get("/").content.decode()
    english.force_login(officer)
    assert 'href="/monitor/"' in english.get("/").content.decode()


@pytest.mark.django_db
def test_one_h1_and_every_chart_has_a_table_and_a_csv_link(officer_client):
    response = officer_client.get("/monitor/", PERIOD)
    text = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", text)) == 1
    dashboard = response.context["dashboard"]
    assert len(dashboard.charts) == 4 + 3 + 8  # targets, coalition, signals (with "by source")
    for chart in dashboard.charts:
        assert f'data-chart="{chart.data_id}"' in text
        assert f'id="{chart.data_id}" type="application/json"' in text  # json_script, no inline script
        assert f'<caption class="utrecht-table__caption">{escape(chart.title)}</caption>' in text
        assert f"/monitor/csv/{chart.slug}/?start=2026-01&amp;end=2026-12" in text


# Targets ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_target_status_gap_and_unreliable_figures(officer_client):
    # 2024 path: 44 − 8 × 8/12 = 38.67; 41 is above it. Gap closed: (44 − 41)/8 = 37.5%.
    observe("ouderen", 2024, "41.0", respondents=25)
    response = officer_client.get("/monitor/")
    panel = next(p for p in response.context["dashboard"].targets if p.summary.code == "ouderen")
    assert panel.progress.status == "achter"
    assert panel.progress.gap_closed == Decimal("37.5")
    text = response.content.decode()
    assert "Status: behind" in text
    assert "In 2024 it was 41%, above the 38.7% the straight path to the target aims for that year" in text
    assert "37.5% of the way from 44% to 36% done" in text
    assert "unreliable: fewer than 30 respondents" in text
    others = [p for p in response.context["dashboard"].targets if p.summary.code != "ouderen"]
    assert {p.progress.status for p in others} == {"geen_nieuwe_meting"}


@pytest.mark.django_db
def test_demo_measurements_are_a_separate_labelled_series_and_only_when_asked(officer_client):
    observe("volwassenen", 2022, "34.0", source="GGD 2022")
    observe("volwassenen", 2024, "31.0", is_demo=True, source="Demo: fictief")
    observe("volwassenen", 2024, "20.0", kern=kern("monster"), source="GGD Monster")  # a village: not shown

    def figure(response):
        panel = next(p for p in response.context["dashboard"].targets if p.summary.code == "volwassenen")
        return panel, {trace["name"]: trace for trace in panel.chart.figure["data"]}

    response = officer_client.get("/monitor/")
    panel, traces = figure(response)
    assert traces["Measurements"]["y"] == [30.0, 38.0, 34.0]  # the municipality's own, real figures only
    assert "Demo data (not real)" not in traces
    assert panel.progress.status == "op_koers"  # 2022: 34% on the path of 34%
    assert "There are demo figures for this target (not real)" in response.content.decode()

    response = officer_client.get("/monitor/", {"demo": "on"})
    panel, traces = figure(response)
    assert traces["Measurements"]["y"] == [30.0, 38.0, 34.0]
    assert traces["Demo data (not real)"]["y"] == [31.0]
    assert panel.progress.status == "op_koers"  # demo never decides the real status
    assert panel.demo_progress.status == "op_koers"
    text = response.content.decode()
    assert "These figures include demo data: they are not real." in text
    assert "With the demo figures, which are not real measurements" in text


# Small counts -----------------------------------------------------------------------


def test_protect_hides_small_counts_and_what_would_give_them_away():
    # 3 is under 5. Row 0 would give it away (13 − 10), so 10 goes too; column 0 (11 − 8)
    # hides 8; then row 1 (20 − 12) hides 12. Rows and columns of the totals keep theirs.
    assert protect([[3, 10], [8, 12]]) == [
        ["<5", "×", 13],
        ["×", "×", 20],
        [11, 22, 33],
    ]


def test_protect_small_totals_and_zeros():
    # A total under 5 is hidden itself; zeros are no secret.
    assert protect([[2, 0], [0, 0]]) == [["<5", 0, "<5"], [0, 0, 0], ["<5", 0, "<5"]]
    # One list with its total: two hidden where one would be worked out from the total.
    assert protect([[7], [1], [20], [0]], row_totals=False) == [["×"], ["<5"], [20], [0], [28]]
    assert protect([[7], [5], [20]], row_totals=False) == [[7], [5], [20], [32]]


def test_a_table_reads_and_changes_its_columns_by_key():
    table = Table(
        keys=["domain", "partners", "total"],
        columns=["Domain", "Partners", "Total"],
        rows=[["Sport", 3, 3], ["Zorg", 0, 0]],
        total=["Total", 3, 3],
    )
    assert table.cell("Sport", "partners") == 3
    assert table.total_cell("partners") == 3
    assert table.column("partners") == [3, 0]
    table.add_column("note", "Note", ["", "none yet"])
    assert table.cell("Zorg", "note") == "none yet"
    assert table.total_cell("note") == ""
    table.set_column("total", [4, 1], total=5)
    table.drop_column("partners")
    assert list(table.csv_rows()) == [
        ["Domain", "Total", "Note"],
        ["Sport", 4, ""],
        ["Zorg", 1, "none yet"],
        ["Total", 5, ""],
    ]
    assert table.keys == ["domain", "total", "note"]
    with pytest.raises(KeyError):
        table.cell("Sport", "partners")
    with pytest.raises(KeyError):
        table.cell("Cultuur", "total")
    assert Table(keys=["a"], columns=["A"], rows=[]).total_cell("a", default=0) == 0
    with pytest.raises(ValueError, match="one distinct key per column"):
        Table(keys=["a", "a"], columns=["A", "B"], rows=[])


@pytest.mark.django_db
def test_counts_under_five_show_as_less_than_five_in_tables_csv_and_figures(officer_client):
    for _ in range(3):
        SignalFactory(kern=kern("naaldwijk"), created_at=at("2026-03-02"))
    for _ in range(7):
        SignalFactory(kern=kern("monster"), created_at=at("2026-03-02"))
    for _ in range(6):
        SignalFactory(kern=kern("de-lier"), created_at=at("2026-03-02"))

    response = officer_client.get("/monitor/", PERIOD)
    chart = response.context["dashboard"].chart("signals-by-kern")
    rows = {row[0]: row[1] for row in chart.table.rows}
    # 3 is hidden, and so is 6 (the smallest other), or 16 − 7 − 0 … would give it away.
    assert rows["Naaldwijk"] == "<5"
    assert rows["De Lier"] == "×"
    assert rows["Monster"] == 7
    assert chart.table.total == ["Total", 16]
    html = response.content.decode()
    assert '<td class="utrecht-table__cell utrecht-table__cell--numeric">&lt;5</td>' in html
    assert "fewer than 5, not shown so that no one can be recognised" in html

    # The figure: no bar for a hidden count, only its label (escaped for plotly.js).
    bar = chart.figure["data"][0]
    by_kern = dict(zip(bar["y"], zip(bar["x"], bar["text"], bar["customdata"], strict=True), strict=True))
    assert by_kern["Naaldwijk"] == (0, "&lt;5", "&lt;5")
    assert by_kern["De Lier"] == (0, "×", "×")
    assert by_kern["Monster"] == (7, "7", "7")

    rows = get_csv(officer_client, "signals-by-kern")
    assert rows[0] == ["Village", "Signals"]
    assert ["Naaldwijk", "<5"] in rows
    assert ["De Lier", "×"] in rows
    assert ["Monster", "7"] in rows
    assert rows[-1] == ["Total", "16"]
    assert not any("3" in cell or "6" in cell for row in rows for cell in row[1:] if cell != "16")

    # The month × age group table: three Naaldwijk signals are older residents in March.
    month = {row[0]: row[1:] for row in response.context["dashboard"].chart("signals-by-month").table.rows}
    assert month["Mar 2026"] == [0, 0, 16, 0, 16]
    assert month["Apr 2026"] == [0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_a_small_total_is_hidden_everywhere(officer_client):
    SignalFactory.create_batch(2, created_at=at("2026-05-04"))
    dashboard = officer_client.get("/monitor/", PERIOD).context["dashboard"]
    assert dashboard.key_figures[0].value == "<5"
    for chart in dashboard.signals:
        assert 2 not in [value for row in chart.table.csv_rows() for value in row], chart.slug


# Coalition --------------------------------------------------------------------------


@pytest.mark.django_db
def test_partners_initiatives_and_reach_by_domain_and_age_group(officer_client):
    care, library = Domain.objects.get(code="zorg-en-welzijn"), Domain.objects.get(code="kunst-en-cultuur")
    welfare = OrganisationFactory(domain=care)
    OrganisationFactory(domain=care)
    OrganisationFactory(domain=care, is_demo=True)  # not counted
    OrganisationFactory(domain=library, status="aangemeld")  # not approved: not a partner
    both = InitiativeFactory(organisation=welfare, age_groups=[age("ouderen"), age("volwassenen")])
    InitiativeFactory(organisation=welfare, age_groups=[age("ouderen")])
    report = ReachReportFactory(initiative=both, year=2026, quarter=2, participants=30, new_participants=4)
    ReachCount.objects.create(report=report, age_group=age("ouderen"), participants=22)
    ReachCount.objects.create(report=report, age_group=age("volwassenen"), participants=8)
    earlier = ReachReportFactory(initiative=both, year=2025, quarter=4, participants=3, new_participants=1)
    ReachCount.objects.create(report=earlier, age_group=age("ouderen"), participants=3)  # before the period

    response = officer_client.get("/monitor/", PERIOD)
    dashboard = response.context["dashboard"]
    partners = {row[0]: row[1:] for row in dashboard.chart("partners-by-domain").table.rows}
    assert partners["Zorg en welzijn"] == [2, ""]
    assert partners["Kunst en cultuur"] == [0, "none yet"]
    assert "Kunst en cultuur" in dashboard.empty_domains and "Zorg en welzijn" not in dashboard.empty_domains
    assert "11 domains without partners" in response.content.decode()

    initiatives = {row[0]: row[1:] for row in dashboard.chart("initiatives-by-domain").table.rows}
    # Youth, adults, older, unknown, and the activities of the domain (one serves two groups).
    assert initiatives["Zorg en welzijn"] == [0, 1, 2, 0, 2]

    reach = {row[0]: row[1:] for row in dashboard.chart("reach-by-quarter").table.rows}
    assert list(reach) == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert reach["2026 Q2"] == [0, 8, 22, 0, 30]

    # An age group filter keeps that age group's column.
    dashboard = officer_client.get("/monitor/", {**PERIOD, "age_group": "ouderen"}).context["dashboard"]
    assert dashboard.chart("reach-by-quarter").table.columns == ["Quarter", "Ouderen (65+)"]
    assert {row[0]: row[1] for row in dashboard.chart("initiatives-by-domain").table.rows}["Zorg en welzijn"] == 2


@pytest.mark.django_db
def test_an_activity_in_several_villages_and_age_groups_counts_once(officer_client):
    care = Domain.objects.get(code="zorg-en-welzijn")
    InitiativeFactory(
        organisation=OrganisationFactory(domain=care),
        age_groups=[age("ouderen"), age("volwassenen")],
        kernen=[kern("monster"), kern("naaldwijk")],
    )
    for params in ({}, {"kern": "monster"}, {"age_group": "ouderen", "kern": "naaldwijk"}):
        dashboard = officer_client.get("/monitor/", {**PERIOD, **params}).context["dashboard"]
        row = {r[0]: r[1:] for r in dashboard.chart("initiatives-by-domain").table.rows}["Zorg en welzijn"]
        # Per age group once, and once in the domain's total.
        assert row == ([1] if "age_group" in params else [0, 1, 1, 0, 1]), params


@pytest.mark.django_db
def test_reach_follows_its_report_when_the_report_is_corrected(officer_client):
    """The counts carry copies of their report's initiative, quarter and demo flag (what
    the monitor sums from one index): correcting the report moves its counts along."""
    care, culture = Domain.objects.get(code="zorg-en-welzijn"), Domain.objects.get(code="kunst-en-cultuur")
    first = InitiativeFactory(organisation=OrganisationFactory(domain=care), age_groups=[age("ouderen")])
    second = InitiativeFactory(organisation=OrganisationFactory(domain=culture), age_groups=[age("ouderen")])
    report = ReachReportFactory(initiative=first, year=2026, quarter=2, participants=30, new_participants=4)
    ReachCount.objects.create(report=report, age_group=age("ouderen"), participants=30)

    def reach(**params):
        dashboard = officer_client.get("/monitor/", {**PERIOD, **params}).context["dashboard"]
        return {row[0]: row[-1] for row in dashboard.chart("reach-by-quarter").table.rows}

    assert reach()["2026 Q2"] == 30
    assert reach(domain="zorg-en-welzijn")["2026 Q2"] == 30

    report.quarter, report.initiative = 3, second
    report.save()
    # Saving the report made the cached page stale (monitoring.receivers).
    moved = reach()
    assert (moved["2026 Q2"], moved["2026 Q3"]) == (0, 30)
    assert reach(domain="zorg-en-welzijn")["2026 Q3"] == 0
    assert reach(domain="kunst-en-cultuur")["2026 Q3"] == 30

    report.is_demo = True
    report.save()
    assert reach()["2026 Q3"] == 0
    assert reach(demo="on")["2026 Q3"] == 30
    count = ReachCount.objects.get(report=report)
    assert (count.initiative, count.year, count.quarter, count.is_demo) == (second, 2026, 3, True)


# Signals ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_median_working_days_to_first_contact(officer_client):
    # Early March 2026 has no public holidays. Working days after filing, up to contact:
    for filed, contact in [
        ("2026-03-02", "2026-03-04"),  # Mon → Wed: 2
        ("2026-03-06", "2026-03-09"),  # Fri → Mon: 1
        ("2026-03-05", "2026-03-12"),  # Thu → Thu: 5
        ("2026-03-02", "2026-03-16"),  # Mon → Mon two weeks on: 10
        ("2026-03-03", "2026-03-05"),  # Tue → Thu: 2
    ]:
        SignalFactory(created_at=at(filed, hour=23), first_contact_at=datetime.date.fromisoformat(contact))
    SignalFactory(created_at=at("2026-03-02"))  # no contact yet: not counted
    dashboard = officer_client.get("/monitor/", PERIOD).context["dashboard"]
    chart = dashboard.chart("first-contact")
    assert chart.summary == "Median: 2 working days from filing to first contact (5 signals)."
    assert dashboard.key_figures[2].value == "2"
    # Each bucket under 5 is hidden; the median of 1, 2, 2, 5, 10 is 2.
    assert {row[0]: row[1] for row in chart.table.rows}["2"] == "<5"


def test_weighted_median():
    assert selectors.weighted_median({}) is None
    assert selectors.weighted_median({3: 1}) == 3
    assert selectors.weighted_median({1: 1, 2: 2, 5: 1, 10: 1}) == 2
    assert selectors.weighted_median({1: 2, 4: 2}) == 2.5


@pytest.mark.django_db
def test_consent_rate_and_its_reliability(officer_client):
    SignalFactory.create_batch(30, age_group=age("ouderen"), created_at=at("2026-04-01"))
    SignalFactory.create_batch(10, age_group=age("ouderen"), without_consent=True, created_at=at("2026-04-01"))
    SignalFactory.create_batch(5, age_group=age("jongeren"), created_at=at("2026-04-01"))
    SignalFactory.create_batch(5, age_group=age("jongeren"), without_consent=True, created_at=at("2026-04-01"))
    table = officer_client.get("/monitor/", PERIOD).context["dashboard"].chart("consent").table
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Ouderen (65+)"] == [30, 10, 40, Decimal("75.0"), ""]
    assert rows["Jongeren (12–18)"] == [5, 5, 10, Decimal("50.0"), "unreliable: fewer than 30 signals"]
    assert table.total == ["Total", 35, 15, 50, Decimal("70.0"), ""]


@pytest.mark.django_db
def test_signals_by_filers_domain_outcomes_and_referrals_by_initiative_domain(officer_client):
    care, library = Domain.objects.get(code="zorg-en-welzijn"), Domain.objects.get(code="kunst-en-cultuur")
    hairdresser = OrganisationFactory(domain=care)
    book_club = InitiativeFactory(organisation=OrganisationFactory(domain=library))
    joined = Outcome.objects.get(code="deelname")
    for _ in range(6):
        signal = SignalFactory(
            filed_for=hairdresser, created_at=at("2026-06-01"), status=SignalStatus.CLOSED, outcome=joined
        )
        ReferralFactory(signal=signal, initiative=book_club, status=ReferralStatus.STARTED)
    SignalFactory.create_batch(5, filed_for=None, created_at=at("2026-06-01"))  # residents' own reports
    SignalFactory.create_batch(8, filed_for=hairdresser, created_at=at("2025-06-01"))  # before the period

    dashboard = officer_client.get("/monitor/", PERIOD).context["dashboard"]
    by_domain = {row[0]: row[1] for row in dashboard.chart("signals-by-domain").table.rows}
    assert by_domain["Zorg en welzijn"] == 6
    assert by_domain["No organisation (residents' own reports)"] == 5
    outcomes = {row[0]: row[1] for row in dashboard.chart("outcomes").table.rows}
    assert outcomes[joined.name] == 6
    assert outcomes["Not closed yet"] == 5
    referrals = dashboard.chart("referrals-by-domain").table
    assert referrals.columns == ["Domain", "proposed", "registered", "started", "not started", "Total"]
    assert {row[0]: row[1:] for row in referrals.rows}["Kunst en cultuur"] == [0, 0, 6, 0, 6]
    assert referrals.keys[1:] == [f"status:{value}" for value in ReferralStatus.values] + ["total"]
    assert referrals.cell("Kunst en cultuur", f"status:{ReferralStatus.STARTED}") == 6
    assert referrals.total_cell("total") == 6

    # The domain filter: the filer's domain for signals, the initiative's for referrals.
    dashboard = officer_client.get("/monitor/", {**PERIOD, "domain": "kunst-en-cultuur"}).context["dashboard"]
    assert dashboard.chart("signals-by-domain").table.rows == [["Kunst en cultuur", 0]]
    assert dashboard.chart("referrals-by-domain").table.rows == [["Kunst en cultuur", 0, 0, 6, 0, 6]]


@pytest.mark.django_db
def test_the_filters_travel_in_the_url_and_bad_values_fall_back(officer_client):
    response = officer_client.get("/monitor/", {**PERIOD, "kern": "monster", "age_group": "ouderen"})
    assert response.context["query"] == "start=2026-01&end=2026-12&age_group=ouderen&kern=monster"
    text = response.content.decode()
    assert '<option value="monster" selected>' in text
    assert "/monitor/csv/signals-by-kern/?start=2026-01&amp;end=2026-12&amp;age_group=ouderen&amp;kern=monster" in text

    response = officer_client.get("/monitor/", {"start": "2026-12", "end": "2026-01", "kern": "atlantis"})
    assert response.status_code == 200
    assert "The last month comes before the first." in response.content.decode()
    filters = response.context["filters"]
    assert filters == selectors.Filters.default()  # the last twelve months, all villages


# Spreadsheet formulas ---------------------------------------------------------------


@pytest.mark.django_db
def test_csv_escapes_what_a_spreadsheet_would_run(officer_client):
    observe("ouderen", 2024, "41.0", source='=HYPERLINK("x")')
    Domain.objects.filter(code="wonen").update(name="+Wonen")  # officers edit the labels
    Observation.objects.filter(target__code="ouderen", year=2016).update(source="@SUM(A1)")
    bump_version()  # update() sends no signal

    rows = get_csv(officer_client, "target-ouderen")
    assert rows[0][:3] == ["Year", "Kind", "Value (%)"]
    sources = [row[-1] for row in rows]
    assert '\'=HYPERLINK("x")' in sources
    assert "'@SUM(A1)" in sources
    assert ["2024", "measurement", "41.0", "", "", "800", "", '\'=HYPERLINK("x")'] in rows

    rows = get_csv(officer_client, "partners-by-domain")
    assert ["'+Wonen", "0", "none yet"] in rows


# Speed: a constant number of queries, cached between changes ------------------------


def add_data(size):
    """``size`` of everything the dashboard counts, spread over villages, ages and domains."""
    kernen, ages, domains = list(Kern.objects.all()), list(AgeGroup.objects.all()), list(Domain.objects.all())
    outcome = Outcome.objects.first()
    handler = SignalHandlerOrganisationFactory()
    for index in range(size):
        organisation = OrganisationFactory(domain=domains[index % len(domains)])
        initiative = InitiativeFactory(organisation=organisation, age_groups=ages[: 1 + index % 3])
        report = ReachReportFactory(initiative=initiative, year=2026, quarter=1 + index % 4)
        ReachCount.objects.create(report=report, age_group=ages[index % len(ages)], participants=7)
        signal = SignalFactory(
            filed_by=None,
            handling_organisation=handler,
            filed_for=organisation,
            kern=kernen[index % len(kernen)],
            age_group=ages[index % len(ages)],
            created_at=at(f"2026-{1 + index % 12:02d}-0{1 + index % 9}"),
            first_contact_at=datetime.date(2026, 12, 30),
            outcome=outcome if index % 2 else None,
            status=SignalStatus.CLOSED if index % 2 else SignalStatus.NEW,
        )
        ReferralFactory(signal=signal, initiative=initiative)
        observe(["ernstig", "jongeren", "volwassenen", "ouderen"][index % 4], 2017 + index % 10, "20")


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/monitor/", PERIOD),
        ("/monitor/", {**PERIOD, "domain": "wonen", "age_group": "ouderen", "kern": "monster", "demo": "on"}),
        ("/monitor/rapport/", PERIOD),
        ("/monitor/csv/signals-by-month/", PERIOD),
        ("/voortgang/", None),
    ],
)
def test_the_same_number_of_queries_whatever_the_amount_of_data(officer_client, path, params):
    add_data(2)
    small = count_queries(officer_client, path, params)
    add_data(30)  # the receivers make the cache stale: computed afresh
    large = count_queries(officer_client, path, params)
    assert small == large
    cached = count_queries(officer_client, path, params)
    assert cached < large
    print(f"{path} {params}: {large} queries computing, {cached} from the cache")  # noqa: T201


@pytest.mark.django_db
def test_the_dashboard_computes_in_a_fixed_number_of_queries(officer_client):
    add_data(5)
    with CaptureQueriesContext(connection) as queries:
        officer_client.get("/monitor/", PERIOD)
    # User and the navigation's roles (the session comes from the cache); then the
    # aggregates: reference lists (4, which the filter selects use too), targets and their
    # observations (2), the coalition (4) and signals with referrals (8).
    assert len(queries) == 2 + 4 + 2 + 4 + 8, [q["sql"][:80] for q in queries]


@pytest.mark.django_db
def test_a_change_makes_the_cached_figures_stale(officer_client):
    def signals_filed():
        return officer_client.get("/monitor/", PERIOD).context["dashboard"].key_figures[0].value

    SignalFactory.create_batch(5, created_at=at("2026-03-02"))
    assert signals_filed() == 5
    signal = SignalFactory(created_at=at("2026-03-02"))
    assert signals_filed() == 6
    signal.delete()
    assert signals_filed() == 5
    observe("ouderen", 2025, "35")
    panel = officer_client.get("/monitor/").context["dashboard"].targets[3]
    assert panel.progress.status == "behaald"


@pytest.mark.django_db
def test_the_nightly_task_warms_the_cache(officer_client):
    add_data(3)
    tasks.warm_caches()
    with CaptureQueriesContext(connection) as queries:
        officer_client.get("/monitor/")
    assert not any("signals_signal" in q["sql"] for q in queries)
    assert "warm-monitoring-caches" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_BEAT_SCHEDULE["warm-monitoring-caches"]["task"] == "monitoring.tasks.warm_caches"


@pytest.mark.django_db
def test_the_cache_version_survives_eviction():
    first = data_version()
    cache.delete(VERSION_KEY)
    assert data_version() != first
    bump_version()
    assert data_version() > first


# The council report -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_shows_targets_coalition_and_signals_for_a_period(officer_client):
    SignalFactory.create_batch(6, created_at=at("2026-03-02"))
    SignalFactory.create_batch(9, created_at=at("2025-03-02"))  # outside the period
    response = officer_client.get("/monitor/rapport/", {"start": "2026-01", "end": "2026-06"})
    text = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", text)) == 1
    assert "Period: January 2026 up to and including June 2026." in text
    assert 'media="print"' in text and "css/print.css" in text
    assert "Targets and their status" in text
    assert "no new measurement" in text
    assert response.context["dashboard"].key_figures[0].value == 6
    for title in ["Partners per domain", "Signals by village", "Outcomes", "Referrals by the initiative&#x27;s domain"]:
        assert title in text
    assert "Demo" not in response.context["dashboard"].targets[2].chart.figure["data"][-1]["name"]


# Charts under the Content-Security-Policy (docs/adr/0003) ---------------------------


def plotly_bundle() -> str:
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def test_the_stylesheet_and_the_claimed_ids_match_the_plotly_bundle():
    bundle = plotly_bundle()
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundle[:300]).group(1)
    stylesheet = (BASE_DIR / "static/css/plotly.css").read_text(encoding="utf-8")
    assert f"plotly.js v{version} " in stylesheet, "plotly was upgraded: copy its rules into static/css/plotly.css"
    assets = (BASE_DIR / "monitoring/templates/monitoring/includes/chart_assets.html").read_text(encoding="utf-8")
    # Both places where the bundle writes a <style> element look for these ids first.
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in assets
    assert '"plotly.js-style-"+' in bundle and '.matches(".no-inline-styles")' in bundle
    claimed = re.findall(r'<template id="([0-9a-f]{64})">', assets)
    assert claimed and all(f'document.getElementById("{style_id}")' in bundle for style_id in claimed)
    assert bundle.count('createElement("style")') == 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/monitor/", "/voortgang/"])
def test_the_policy_stays_strict_on_chart_pages(officer_client, path):
    response = officer_client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "nonce-" not in policy
    text = response.content.decode()
    assert "<style" not in text and " style=" not in text
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", text)  # no inline script
    json.loads(re.search(r'<script id="chart-[^"]+" type="application/json">(.*?)</script>', text).group(1))


@pytest.mark.django_db
def test_every_figure_is_what_plotly_would_make_of_it(officer_client):
    """The figures are built as plain data (plotly's objects validate slowly): plotly
    accepts each one and gives it back unchanged."""
    import plotly.graph_objects as go

    add_data(5)
    observe("ouderen", 2025, "35", ci_low=Decimal("33"), ci_high=Decimal("37"), respondents=20)
    observe("ouderen", 2024, "38", is_demo=True)
    dashboard = officer_client.get("/monitor/", {**PERIOD, "demo": "on"}).context["dashboard"]
    assert len(dashboard.charts) == 15  # 4 targets, 3 of the coalition, 8 of signals (by source too)
    for chart in dashboard.charts:
        assert go.Figure(chart.figure).to_plotly_json() == chart.figure, chart.slug


@pytest.mark.django_db
def test_a_warm_dashboard_is_served_rendered(officer_client):
    add_data(3)
    first = officer_client.get("/monitor/", PERIOD)
    with CaptureQueriesContext(connection) as queries:
        second = officer_client.get("/monitor/", PERIOD)
    assert main(second) == main(first)
    # Only what every signed-in page costs: no filter form, no aggregate.
    assert not any("coalition_domain" in q["sql"] or "signals_signal" in q["sql"] for q in queries)
    other = officer_client.get("/monitor/", {**PERIOD, "kern": "monster"})
    assert main(other) != main(first)


def main(response) -> bytes:
    """The page's main content (the header's forms carry a fresh CSRF token each time)."""
    return re.search(rb"<main.*</main>", response.content, re.S).group(0)


def test_fast_formatting_gives_what_django_gives():
    """The dashboard formats its numbers and figures without Django's lookups per value
    (tables.int_text, Chart.figure_script): the same text as localize and json_script."""
    from django.utils.formats import localize
    from django.utils.html import json_script

    for language in ("nl", "en"):
        with translation.override(language):
            for value in (0, 7, -12, 999, 1000, -1000, 12345, 1234567, -9876543):
                assert int_text(value) == localize(value), (language, value)
    from django.utils.formats import number_format

    from monitoring.progress import decimal_text

    decimals = ["0", "0.04", "-0.04", "0.05", "7", "7.0", "7.25", "-12.5", "37.45", "100.0", "999.99", "1234.5", "1E+3"]
    for language in ("nl", "en"):
        with translation.override(language):
            for text in decimals:
                value = Decimal(text)
                assert decimal_text(value) == localize(value), (language, text)
                for places in (0, 1, 2):
                    assert decimal_text(value, places) == number_format(value, decimal_pos=places), (text, places)
    figure = {"data": [{"x": ["<5", "a & b", "×"], "y": [1, 2.5, None]}], "layout": {"title": "</script>"}}
    chart = Chart("s", "t", "", figure, Table(keys=[], columns=[], rows=[]))
    assert chart.figure_script == json_script(figure, chart.data_id)
