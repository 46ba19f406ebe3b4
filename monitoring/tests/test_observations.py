"""Officers add and correct observations in the portal, with history; only officers;
the admin's spreadsheet import is all or nothing and escapes formulas; demo data."""

from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from coalition.models import Kern
from monitoring import demo
from monitoring.models import Observation, ObservationChange, Target
from monitoring.resources import ObservationResource
from monitoring.tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_ENFORCE_MFA = False


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def form_data(**overrides):
    data = {
        "target": Target.objects.get(code="ouderen").pk,
        "year": 2022,
        "kern": "",
        "value": "41.5",
        "ci_low": "38.0",
        "ci_high": "45.1",
        "respondents": "912",
        "left_out": "14",
        "source": "RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2022",
        "note": "",
    }
    return {**data, **overrides}


# -- Officers only -------------------------------------------------------------------

OFFICER_PAGES = [
    ("monitoring:observations", False),
    ("monitoring:observation_create", False),
    ("monitoring:observation_edit", True),
    ("monitoring:survey_upload", False),
    ("monitoring:survey_preview", False),
]


def _url(name, needs_pk):
    return reverse(name, args=[Observation.objects.order_by("pk").first().pk] if needs_pk else [])


@pytest.mark.parametrize(("name", "needs_pk"), OFFICER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, needs_pk):
    url = _url(name, needs_pk)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "needs_pk"), OFFICER_PAGES)
@pytest.mark.parametrize("role", ["staff_member", "coordinator", "handler", "administrator"])
def test_other_roles_are_refused(client, request, role, name, needs_pk):
    client.force_login(request.getfixturevalue(role))
    url = _url(name, needs_pk)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert Observation.objects.count() == 5


@pytest.mark.parametrize(
    ("name", "needs_pk"), [page for page in OFFICER_PAGES if page[0] != "monitoring:survey_preview"]
)
def test_officers_see_the_pages_with_one_h1(officer_client, name, needs_pk):
    response = officer_client.get(_url(name, needs_pk))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


# -- Adding and correcting -----------------------------------------------------------


def test_an_officer_adds_an_observation_and_its_history_starts(officer_client, officer):
    response = officer_client.post(reverse("monitoring:observation_create"), form_data())

    assert response.status_code == 302
    assert response.url == reverse("monitoring:observations") + "?target=ouderen"
    observation = Observation.objects.get(year=2022)
    assert (observation.target.code, observation.value, observation.kern) == ("ouderen", Decimal("41.5"), None)
    assert (observation.entered_by, observation.is_demo, observation.survey) == (officer, False, None)
    [change] = observation.changes.all()
    assert change.changed_by == officer
    assert change.changes["value"] == [None, "41.5"]
    assert change.changes["target"] == [None, "Eenzame 65-plussers"]


def test_an_officer_corrects_an_observation_and_the_history_keeps_old_and_new(officer_client, officer):
    observation = ObservationFactory(value=Decimal("35.0"), ci_low=Decimal("32.0"), ci_high=Decimal("38.0"))
    url = reverse("monitoring:observation_edit", args=[observation.pk])
    data = form_data(
        target=observation.target.pk,
        year=observation.year,
        value="36.0",
        ci_low="33.0",
        ci_high="39.0",
        respondents=observation.respondents,
        left_out=observation.left_out,
        source=observation.source,
        kern=Kern.objects.get(code="monster").pk,
    )

    response = officer_client.post(url, data)

    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.value == Decimal("36.0")
    [change] = ObservationChange.objects.filter(observation=observation)
    assert change.changed_by == officer
    assert change.changes == {
        "value": ["35.0", "36.0"],
        "ci_low": ["32.0", "33.0"],
        "ci_high": ["38.0", "39.0"],
        "kern": [None, "Monster"],
    }
    page = officer_client.get(url).content.decode()
    assert "History" in page
    assert "35.0 → 36.0" in page
    assert officer.email in page


def test_saving_without_changes_adds_no_history(officer_client):
    observation = ObservationFactory()
    data = form_data(
        target=observation.target.pk,
        year=observation.year,
        value=observation.value,
        ci_low=observation.ci_low,
        ci_high=observation.ci_high,
        respondents=observation.respondents,
        left_out=observation.left_out,
        source=observation.source,
    )
    officer_client.post(reverse("monitoring:observation_edit", args=[observation.pk]), data)
    assert not ObservationChange.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ci_low": "42.0"}, "ci_low", "The lower bound cannot be above the share."),
        ({"ci_high": "40.0"}, "ci_high", "The upper bound cannot be below the share."),
        ({"ci_high": ""}, "ci_high", "Give both bounds of the interval, or neither."),
        ({"value": "101"}, "value", "Ensure this value is less than or equal to 100."),
        ({"year": "2099"}, "year", "Give a year from 1990 to"),
        ({"source": "  "}, "source", "This field is required."),
    ],
)
def test_the_form_refuses_impossible_figures(officer_client, overrides, field, message):
    response = officer_client.post(reverse("monitoring:observation_create"), form_data(**overrides))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert Observation.objects.count() == 5


def test_the_same_figure_cannot_be_entered_twice(officer_client):
    officer_client.post(reverse("monitoring:observation_create"), form_data())
    response = officer_client.post(reverse("monitoring:observation_create"), form_data(value="40.0"))

    assert response.status_code == 200
    assert "correct that one instead" in response.content.decode()
    assert Observation.objects.filter(year=2022).count() == 1


def test_a_real_figure_replaces_demo_data_of_the_same_target_year_and_village(officer_client):
    demo_observation = ObservationFactory(
        target=Target.objects.get(code="ouderen"), year=2022, is_demo=True, source="Demo: fictieve meting"
    )
    officer_client.post(reverse("monitoring:observation_create"), form_data())
    assert not Observation.objects.filter(pk=demo_observation.pk).exists()
    assert Observation.objects.filter(year=2022, is_demo=False).count() == 1


def test_the_list_shows_observations_with_source_and_demo_label(officer_client):
    ObservationFactory(year=2024, is_demo=True, source="Demo: fictieve meting")

    response = officer_client.get(reverse("monitoring:observations") + "?target=volwassenen")

    text = response.content.decode()
    assert "GGD Haaglanden" in text
    assert "Demo: fictieve meting" in text and ">demo<" in text
    assert "RIVM" not in text  # filtered to one target
    assert len(response.context["observations"]) == 3


# -- The admin's spreadsheet import and export ---------------------------------------

HEADER = ["id", "target", "year", "kern", "value", "ci_low", "ci_high", "respondents", "left_out", "source", "note"]


def test_an_import_with_one_bad_row_stores_nothing(officer):
    dataset = tablib.Dataset(
        ["", "ouderen", "2022", "", "41.5", "38.0", "45.1", "900", "10", "RIVM 2022", ""],
        ["", "jongeren", "2022", "naaldwijk", "30.0", "35.0", "33.0", "120", "2", "GGD 2022", ""],
        ["", "eenzamen", "2022", "", "30.0", "", "", "", "", "GGD 2022", ""],
        headers=HEADER,
    )

    result = ObservationResource().import_data(dataset, dry_run=False, user=officer)

    assert result.has_validation_errors()
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(errors) == {2, 3}
    assert "De ondergrens kan niet boven het aandeel liggen." in str(errors[2]["ci_low"])  # the default language
    assert "eenzamen" in str(errors[3]["target"])
    assert Observation.objects.count() == 5
    assert not ObservationChange.objects.exists()


def test_an_import_adds_and_corrects_with_history(officer):
    existing = ObservationFactory(value=Decimal("35.0"))
    dataset = tablib.Dataset(
        ["", "ouderen", "2022", "de-lier", "41.5", "38.0", "45.1", "900", "10", "RIVM 2022", ""],
        [
            existing.pk,
            "volwassenen",
            existing.year,
            "",
            "34.0",
            "32.0",
            "38.0",
            existing.respondents,
            existing.left_out,
            existing.source,
            "",
        ],
        headers=HEADER,
    )

    result = ObservationResource().import_data(dataset, dry_run=False, user=officer)

    assert not result.has_errors() and not result.has_validation_errors()
    added = Observation.objects.get(target__code="ouderen", year=2022)
    assert (added.kern.code, added.entered_by, added.is_demo) == ("de-lier", officer, False)
    existing.refresh_from_db()
    assert existing.value == Decimal("34.0")
    assert existing.changes.get().changes == {"value": ["35.0", "34.0"]}
    assert added.changes.get().changed_by == officer


def test_an_export_escapes_formulas():
    ObservationFactory(source='=HYPERLINK("http://example.com")', note="+31 174 123 456")

    exported = ObservationResource().export()

    row = next(r for r in exported.dict if r["source"].startswith("'"))
    assert row["source"] == '\'=HYPERLINK("http://example.com")'
    assert row["note"] == "'+31 174 123 456"
    assert row["target"] == "volwassenen"


def test_the_admin_offers_the_import(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:monitoring_observation_import"))
    assert response.status_code == 200


# -- Demo data -----------------------------------------------------------------------


def test_demo_data_is_labelled_idempotent_and_never_beside_a_real_figure():
    real = ObservationFactory(
        target=Target.objects.get(code="ouderen"), year=2024, kern=Kern.objects.get(code="naaldwijk")
    )

    added = demo.load()

    demo_rows = Observation.objects.filter(is_demo=True)
    assert added == demo_rows.count() > 0
    assert set(demo_rows.values_list("source", flat=True)) == {"Demo: fictieve meting"}
    for target in Target.objects.all():
        assert demo_rows.filter(target=target, year=2020, kern=None).exists()
        assert demo_rows.filter(target=target, year=2024, kern=None).exists()
    assert not demo_rows.filter(target=real.target, year=2024, kern=real.kern).exists()
    for observation in demo_rows:
        clash = Observation.objects.real().filter(
            target=observation.target, year=observation.year, kern=observation.kern
        )
        assert not clash.exists()

    assert demo.load() == 0
    assert Observation.objects.filter(is_demo=True).count() == added
