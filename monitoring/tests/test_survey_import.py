"""Survey import (service, ``import_survey`` command and the officers' upload page):
a good file stores one observation per target and village with the right numbers and
keeps anonymous responses; a bad file is refused, naming row and column, and stores nothing."""

import io
import re
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from coalition.models import Kern
from monitoring import services
from monitoring.models import Observation, ObservationChange, Survey, SurveyResponse
from monitoring.tests.factories import ObservationFactory, answers_with_total, header, survey_csv, upload
from monitoring.views.surveys import CACHE_PREFIX, SESSION_KEY

pytestmark = pytest.mark.django_db

SOURCE = "GGD Haaglanden, Gezondheidsmonitor 2024"

# respondent, age, kern, 11-item total (None: djg6 left unanswered). Rows 2–10 of the file.
GOOD_ROWS = [
    ("R-001", 15, "Naaldwijk", 4),  # jongeren: lonely (3–11)
    ("R-002", 16, "naaldwijk", 1),  # jongeren: not lonely; village by code
    ("R-003", 30, "Monster", 10),  # volwassenen: lonely; ernstig (9–11)
    ("R-004", 40, "monster", 2),  # volwassenen: not lonely
    ("R-005", 50, "", 3),  # volwassenen: lonely (exactly 3); no village
    ("R-006", 70, "De Lier", 11),  # ouderen: lonely; ernstig
    ("R-007", 80, "de-lier", 0),  # ouderen: not lonely
    ("R-008", 70, "De Lier", None),  # ouderen: one item unanswered → left out
    ("R-009", 10, "Naaldwijk", 8),  # in no target's population (under 12)
]

# Worked out from GOOD_ROWS; intervals: Wilson with z = 1.96 (see test_scoring.py)
#   p = 1/2, n = 2 → [0.0945, 0.9055];  p = 2/3, n = 3 → [0.2077, 0.9385];  p = 2/5, n = 5 → [0.1176, 0.7693]
# (target, village): (share %, interval %, respondents counted, left out)
EXPECTED = {
    # jongeren 12–18: R-001 (4) lonely, R-002 (1) not → 1/2
    ("jongeren", None): ("50.0", "9.5", "90.5", 2, 0),
    ("jongeren", "Naaldwijk"): ("50.0", "9.5", "90.5", 2, 0),
    # volwassenen 19–64: R-003 (10), R-005 (3) lonely, R-004 (2) not → 2/3
    ("volwassenen", None): ("66.7", "20.8", "93.9", 3, 0),
    ("volwassenen", "Monster"): ("50.0", "9.5", "90.5", 2, 0),
    # ouderen 65+: R-006 (11) lonely, R-007 (0) not, R-008 left out → 1/2
    ("ouderen", None): ("50.0", "9.5", "90.5", 2, 1),
    ("ouderen", "De Lier"): ("50.0", "9.5", "90.5", 2, 1),
    # ernstig 19+, 9–11: R-003 (10) and R-006 (11) of R-003 … R-007 → 2/5; R-008 left out
    ("ernstig", None): ("40.0", "11.8", "76.9", 5, 1),
    ("ernstig", "Monster"): ("50.0", "9.5", "90.5", 2, 0),
    ("ernstig", "De Lier"): ("50.0", "9.5", "90.5", 2, 1),
}


def good_rows():
    rows = []
    for respondent, age, kern, total in GOOD_ROWS:
        answers = answers_with_total(5 if total is None else total)
        if total is None:
            answers[5] = ""  # djg6 not answered
        rows.append([respondent, age, kern, *answers])
    return rows


def good_file():
    return survey_csv(header(), good_rows())


def stored():
    return {
        (o.target.code, o.kern.name if o.kern else None): (
            str(o.value),
            str(o.ci_low),
            str(o.ci_high),
            o.respondents,
            o.left_out,
        )
        for o in Observation.objects.filter(survey__isnull=False).select_related("target", "kern")
    }


def nothing_stored():
    return not (
        Survey.objects.exists()
        or SurveyResponse.objects.exists()
        or Observation.objects.filter(survey__isnull=False).exists()
        or Observation.objects.count() != 5  # the seed's observations only
        or ObservationChange.objects.exists()
    )


# -- A good file ---------------------------------------------------------------------


def test_a_good_file_stores_one_observation_per_target_and_village():
    survey, results = services.import_survey_file(good_file(), year=2024, source=SOURCE, file_name="enquete.csv")

    assert stored() == EXPECTED
    observation = Observation.objects.get(target__code="volwassenen", kern=None, survey=survey)
    assert (observation.year, observation.source, observation.is_demo) == (2024, SOURCE, False)
    assert observation.value == Decimal("66.7")
    assert [r.target.code for r in results] == ["ernstig", "jongeren", "volwassenen", "ouderen"]
    # Every stored observation starts its history.
    assert ObservationChange.objects.count() == len(EXPECTED)


def test_responses_are_kept_anonymously_without_the_respondent_id():
    survey, _results = services.import_survey_file(good_file(), year=2024, source=SOURCE)

    assert survey.responses.count() == len(GOOD_ROWS)
    assert "respondent" not in {field.name for field in SurveyResponse._meta.get_fields()}
    dump = serializers.serialize("json", [*SurveyResponse.objects.all(), survey])
    assert "R-00" not in dump
    first = survey.responses.order_by("pk").first()
    # 15 years, Naaldwijk, total 4 → djg1 nee (1), djg2 ja (3), djg3 ja (3), djg4 nee (1), then
    # the not-lonely answers: djg5 nee (1), djg6 nee (1), djg7 ja (3), djg8 ja (3), djg9 nee, djg10 nee, djg11 ja.
    assert (first.age, first.kern.name, first.weight) == (15, "Naaldwijk", 1.0)
    assert first.answers == {1: 1, 2: 3, 3: 3, 4: 1, 5: 1, 6: 1, 7: 3, 8: 3, 9: 1, 10: 1, 11: 3}
    left_out = survey.responses.get(age=70, djg6__isnull=True)
    assert left_out.djg5 == 3


def test_a_weighted_short_scale_file_from_dutch_excel():
    # Semicolon separated, decimal comma, 6 items, no village column; everyone is 70 (ouderen and ernstig).
    # (6-item total, weight): (5, 1), (2, 3), (1, 2), (0, 2); Σw = 8, Σw² = 18, n_eff = 64/18 = 3.5556
    #   ouderen, 3–11 → short scale 2–6: totals 5 and 2 → (1 + 3)/8 = 50.0%, Wilson on 3.5556 → [14.0, 86.0]
    #   ernstig, 9–11 → short scale 5–6: total 5 → 1/8 = 12.5%, Wilson → [1.2, 62.8]
    rows = [
        ["a", 70, "1", *answers_with_total(5, scale=6)],
        ["b", 70, "3", *answers_with_total(2, scale=6)],
        ["c", 70, "2,0", *answers_with_total(1, scale=6)],
        ["d", 70, "2", *answers_with_total(0, scale=6)],
    ]
    text = survey_csv(header(scale=6, kern=False, weight=True), rows, delimiter=";")

    survey, results = services.import_survey_file(text.encode("cp1252"), year=2024, source=SOURCE)

    assert survey.scale == 6
    assert stored() == {
        ("ouderen", None): ("50.0", "14.0", "86.0", 4, 0),
        ("ernstig", None): ("12.5", "1.2", "62.8", 4, 0),
    }
    not_covered = {r.target.code for r in results if not r.covered}
    assert not_covered == {"jongeren", "volwassenen"}
    assert sorted(survey.responses.values_list("weight", flat=True)) == [1.0, 2.0, 2.0, 3.0]
    assert not survey.responses.filter(djg1__isnull=False).exists()  # not asked on the short scale


def test_a_real_survey_replaces_demo_data_of_the_same_target_year_and_village():
    demo = ObservationFactory(year=2024, is_demo=True, source="Demo: fictieve meting")  # volwassenen, Westland
    elsewhere = ObservationFactory(
        year=2024, kern=Kern.objects.get(code="wateringen"), is_demo=True, source="Demo: fictieve meting"
    )

    services.import_survey_file(good_file(), year=2024, source=SOURCE)

    assert not Observation.objects.filter(pk=demo.pk).exists()
    assert Observation.objects.filter(pk=elsewhere.pk).exists()


def test_the_same_survey_cannot_be_imported_twice():
    services.import_survey_file(good_file(), year=2024, source=SOURCE)

    with pytest.raises(ValidationError, match="Er zijn al metingen voor 2024"):
        services.import_survey_file(good_file(), year=2024, source=SOURCE)
    assert Survey.objects.count() == 1


def test_a_failure_while_storing_stores_nothing(monkeypatch):
    calls = []

    def fail_on_the_fifth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("database went away")

    monkeypatch.setattr(services.surveys, "record_observation_change", fail_on_the_fifth)
    with pytest.raises(RuntimeError):
        services.import_survey_file(good_file(), year=2024, source=SOURCE)
    assert nothing_stored()


# -- Bad files -----------------------------------------------------------------------


def _rows_then(bad_row):
    """Five good respondents (rows 2–6), then ``bad_row`` as row 7."""
    return [*good_rows()[:5], bad_row]


def _answers(**cells):
    answers = answers_with_total(3)
    for column, value in cells.items():
        answers[int(column[3:]) - 1] = value
    return answers


BAD_FILES = {
    "unknown column": (
        survey_csv([*header(), "naam"], [[*row, "Jan Jansen"] for row in good_rows()]),
        "Unknown column “naam”.",
    ),
    "answer not allowed": (
        survey_csv(header(), _rows_then(["R-100", 44, "Monster", *_answers(djg4="soms")])),
        "Row 7, column djg4: ‘soms’ is not an allowed answer",
    ),
    "age not a number": (
        survey_csv(header(), _rows_then(["R-100", "vijftig", "Monster", *_answers()])),
        "Row 7, column age: ‘vijftig’ is not an age in whole years.",
    ),
    "age not whole": (
        survey_csv(header(), _rows_then(["R-100", "44.5", "Monster", *_answers()])),
        "Row 7, column age: ‘44.5’ is not an age in whole years.",
    ),
    "weight zero": (
        survey_csv(
            header(weight=True),
            [[*row[:3], "1", *row[3:]] for row in good_rows()[:5]] + [["R-100", 44, "Monster", "0", *_answers()]],
        ),
        "Row 7, column weight: ‘0’ is not greater than 0.",
    ),
    "weight negative": (
        survey_csv(header(weight=True), [["R-100", 44, "Monster", "-1,5", *_answers()]]),
        "Row 2, column weight: ‘-1,5’ is not greater than 0.",
    ),
    "unknown village": (
        survey_csv(header(), _rows_then(["R-100", 44, "Atlantis", *_answers()])),
        "Row 7, column kern: ‘Atlantis’ is not a village of Westland.",
    ),
    "wrong set of items": (
        survey_csv(header()[:-1], [row[:-1] for row in good_rows()]),
        "The answers must be in the columns djg1 … djg11",
    ),
}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_service_refuses_a_bad_file_and_stores_nothing(kind, english):
    text, message = BAD_FILES[kind]

    with pytest.raises(ValidationError) as error:
        services.import_survey_file(text, year=2024, source=SOURCE)

    assert any(message in m for m in error.value.messages), error.value.messages
    assert nothing_stored()


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_command_refuses_a_bad_file_and_stores_nothing(kind, english, tmp_path):
    text, message = BAD_FILES[kind]
    path = tmp_path / "enquete.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_survey", str(path), "--year", "2024", "--source", SOURCE, stdout=io.StringIO())

    assert "Nothing was stored." in str(error.value)
    assert message in str(error.value)
    assert nothing_stored()


def test_every_error_is_listed_with_its_row_and_column(english):
    rows = _rows_then(["R-100", "oud", "Atlantis", *_answers(djg2="soms", djg9="misschien")])
    with pytest.raises(ValidationError) as error:
        services.parse_survey(survey_csv(header(), rows))
    assert error.value.messages == [
        "Row 7, column age: ‘oud’ is not an age in whole years.",
        "Row 7, column kern: ‘Atlantis’ is not a village of Westland.",
        "Row 7, column djg2: ‘soms’ is not an allowed answer (ja, min of meer, nee or 3, 2, 1).",
        "Row 7, column djg9: ‘misschien’ is not an allowed answer (ja, min of meer, nee or 3, 2, 1).",
    ]


def test_a_spreadsheet_is_not_a_csv_file(english):
    with pytest.raises(ValidationError, match="not a CSV file"):
        services.parse_survey(b"PK\x03\x04 an xlsx file")


# -- The command ---------------------------------------------------------------------


def test_the_command_prints_share_interval_respondents_and_left_out_per_target(english, tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_text(good_file(), encoding="utf-8")
    out = io.StringIO()

    call_command("import_survey", str(path), "--year", "2024", "--source", SOURCE, stdout=out)

    output = out.getvalue()
    assert "volwassenen (Eenzame volwassenen 19–64)" in output
    assert "whole municipality: 66.7% (95% interval 20.8–93.9%), 3 respondents, 0 left out" in output
    assert "De Lier: 50.0% (95% interval 9.5–90.5%), 2 respondents, 1 left out" in output
    assert "ernstig (Ernstig eenzame volwassenen)" in output
    assert "whole municipality: 40.0% (95% interval 11.8–76.9%), 5 respondents, 1 left out" in output
    assert "9 responses, 9 observations" in output
    assert stored() == EXPECTED
    survey = Survey.objects.get()
    assert (survey.year, survey.source, survey.file_name, survey.imported_by) == (2024, SOURCE, "enquete.csv", None)


def test_the_command_dry_run_stores_nothing(english, tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_text(good_file(), encoding="utf-8")
    out = io.StringIO()

    call_command("import_survey", str(path), "--year", "2024", "--source", SOURCE, "--dry-run", stdout=out)

    assert "66.7%" in out.getvalue()
    assert "Dry run: nothing was stored." in out.getvalue()
    assert nothing_stored()


def test_the_command_checks_year_and_source(english, tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_text(good_file(), encoding="utf-8")
    with pytest.raises(CommandError, match="year of the survey"):
        call_command("import_survey", str(path), "--year", "3024", "--source", SOURCE, stdout=io.StringIO())
    assert nothing_stored()


# -- The upload page -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_ENFORCE_MFA = False


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post_upload(client, text, year=2024, source=SOURCE, name="enquete.csv"):
    return client.post(
        reverse("monitoring:survey_upload"), {"year": year, "source": source, "file": upload(text, name=name)}
    )


def test_upload_shows_per_target_what_would_be_stored_and_stores_on_confirm(officer_client, officer):
    response = post_upload(officer_client, good_file())

    assert response.status_code == 302
    assert response.url == reverse("monitoring:survey_preview")
    assert nothing_stored()
    # The parsed file waits in the cache; the session holds only its key.
    token = officer_client.session[SESSION_KEY]
    assert cache.get(CACHE_PREFIX + token)["parsed"]["scale"] == 11

    preview = officer_client.get(reverse("monitoring:survey_preview"))
    text = preview.content.decode()
    assert preview.status_code == 200
    assert text.count("<h1") == 1
    for title in [
        "Ernstig eenzame volwassenen",
        "Eenzame jongeren",
        "Eenzame volwassenen 19–64",
        "Eenzame 65-plussers",
    ]:
        assert title in text
    assert "66.7%" in text and "20.8–93.9%" in text
    assert "unreliable: fewer than 30 respondents" in text
    assert nothing_stored()

    response = officer_client.post(reverse("monitoring:survey_preview"), {"confirm": "1"})

    assert response.status_code == 302
    assert response.url == reverse("monitoring:observations")
    assert stored() == EXPECTED
    survey = Survey.objects.get()
    assert (survey.imported_by, survey.file_name, survey.responses.count()) == (officer, "enquete.csv", 9)
    assert set(Observation.objects.filter(survey=survey).values_list("entered_by", flat=True)) == {officer.pk}
    assert SESSION_KEY not in officer_client.session
    assert cache.get(CACHE_PREFIX + token) is None

    # Pressing confirm again (back button) stores nothing more.
    again = officer_client.post(reverse("monitoring:survey_preview"), {"confirm": "1"}, follow=True)
    assert "There is no upload waiting to be stored" in again.content.decode()
    assert Survey.objects.count() == 1


def test_discarding_the_upload_stores_nothing(officer_client):
    post_upload(officer_client, good_file())

    response = officer_client.post(reverse("monitoring:survey_preview"), {"cancel": "1"}, follow=True)

    assert "nothing was stored" in response.content.decode()
    assert nothing_stored()
    assert officer_client.get(reverse("monitoring:survey_preview")).status_code == 302


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_upload_page_refuses_a_bad_file_and_stores_nothing(kind, officer_client):
    text, message = BAD_FILES[kind]

    response = post_upload(officer_client, text)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Please correct the following" in content
    assert SESSION_KEY not in officer_client.session
    assert nothing_stored()


def test_the_upload_page_refuses_a_file_over_the_size_limit(officer_client, settings):
    settings.PORTAL_MAX_UPLOAD_MB = 1 / 1024  # 1 KB

    response = post_upload(officer_client, good_file() + "\n" * 2000)

    assert response.status_code == 200
    assert "The file is too large (2.5\xa0KB): the maximum is 1.0\xa0KB." in response.content.decode()
    assert nothing_stored()


def test_the_upload_page_checks_year_and_source(officer_client):
    response = post_upload(officer_client, good_file(), year=1850, source="  ")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "source"}
    assert nothing_stored()


def test_the_upload_page_refuses_a_survey_imported_before(officer_client):
    services.import_survey_file(good_file(), year=2024, source=SOURCE)

    response = post_upload(officer_client, good_file())

    assert response.status_code == 200
    assert "Was this survey imported before?" in response.content.decode()
    assert Survey.objects.count() == 1


def test_the_upload_page_lists_imported_surveys(officer_client):
    services.import_survey_file(good_file(), year=2024, source=SOURCE)

    response = officer_client.get(reverse("monitoring:survey_upload"))

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert SOURCE in text
    assert 'enctype="multipart/form-data"' in text


def test_kern_names_with_a_curly_apostrophe_are_found():
    kern = Kern.objects.get(code="s-gravenzande")
    rows = [["x", 70, "’s-Gravenzande", *answers_with_total(4)]]
    parsed = services.parse_survey(survey_csv(header(), rows))
    assert parsed.rows[0][1] == kern.pk


def test_the_upload_still_checks_the_csrf_token(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    page = client.get(reverse("monitoring:survey_upload"))
    token = page.context["csrf_token"]
    data = {"year": 2024, "source": SOURCE}

    refused = client.post(reverse("monitoring:survey_upload"), {**data, "file": upload(good_file())})
    accepted = client.post(
        reverse("monitoring:survey_upload"),
        {**data, "file": upload(good_file()), "csrfmiddlewaretoken": str(token)},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_imports_a_survey_in_the_browser(live_server, browser, assert_accessible, settings, tmp_path):
    from coalition.tests.factories import PASSWORD, UserFactory

    settings.PORTAL_ENFORCE_MFA = False
    officer = UserFactory(email="beleid@westland.example", is_officer=True)
    bad, good = tmp_path / "fout.csv", tmp_path / "enquete.csv"
    bad.write_text(BAD_FILES["answer not allowed"][0], encoding="utf-8")
    good.write_text(good_file(), encoding="utf-8")
    page = browser.new_context(locale="en").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", officer.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('monitoring:survey_upload')}")
    assert_accessible(page)
    page.fill("#id_year", "2024")
    page.fill("#id_source", SOURCE)
    page.set_input_files("#id_file", str(bad))
    page.click("main form.westland-form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert "Row 7, column djg4" in page.content()
    assert_accessible(page)

    page.set_input_files("#id_file", str(good))
    page.click("main form.westland-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('monitoring:survey_preview')}")
    assert "66.7%" in page.content()
    assert_accessible(page)

    page.click("button[name=confirm]")
    page.wait_for_url(f"{live_server.url}{reverse('monitoring:observations')}")
    assert Observation.objects.filter(survey__isnull=False).count() == len(EXPECTED)
    assert_accessible(page)
    page.locator("table a").first.click()
    page.wait_for_url(re.compile(r"/monitor/metingen/\d+/$"))
    assert_accessible(page)
