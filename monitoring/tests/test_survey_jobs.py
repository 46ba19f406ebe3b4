"""A large survey upload is checked and stored by a worker (monitoring.services.survey_jobs):
the preview and the result come from the job, a bad file is refused whole, and only the
officer who uploaded it can open its page."""

import pytest
from django.urls import reverse

from coalition.tests.factories import UserFactory
from common.models import ImportJob
from monitoring.tests.factories import answers_with_total, header, survey_csv, upload
from monitoring.tests.test_survey_import import EXPECTED, SOURCE, good_file, nothing_stored, stored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 2


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def run_on_commit(celery_eager, django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post_upload(client, text):
    return client.post(
        reverse("monitoring:survey_upload"), {"year": 2024, "source": SOURCE, "file": upload(text, name="groot.csv")}
    )


def job_page(client, job):
    return client.get(reverse("monitoring:survey_job", args=[job.pk]))


def test_a_large_survey_is_previewed_then_stored_by_a_worker(officer_client, officer, run_on_commit):
    with run_on_commit():
        response = post_upload(officer_client, good_file())

    job = ImportJob.objects.get()
    assert response.url == reverse("monitoring:survey_job", args=[job.pk])
    assert (job.kind, job.status, job.total, job.done, job.started_by) == ("survey", "voorbeeld", 9, 9, officer)
    assert nothing_stored()
    preview = job_page(officer_client, job).content.decode()
    assert "Jongeren" in preview or "jongeren" in preview.lower()
    assert "groot.csv" in preview
    assert "50.0%" in preview and "66.7%" in preview

    with run_on_commit():
        officer_client.post(reverse("monitoring:survey_job", args=[job.pk]), {"confirm": "1"})

    job.refresh_from_db()
    assert (job.status, job.data) == ("klaar", None)
    assert stored() == EXPECTED
    assert f"is opgeslagen: {len(EXPECTED)} metingen" in job_page(officer_client, job).content.decode()


def test_a_large_bad_survey_is_refused_with_its_rows_and_stores_nothing(officer_client, run_on_commit):
    rows = [["R-1", "abc", "Naaldwijk", *answers_with_total(3)], ["R-2", "40", "Atlantis", *answers_with_total(3)]]
    rows += [[f"R-{n}", "40", "Monster", *answers_with_total(3)] for n in range(3, 6)]

    with run_on_commit():
        post_upload(officer_client, survey_csv(header(), rows))

    job = ImportJob.objects.get()
    assert job.status == "geweigerd"
    assert nothing_stored()
    page = job_page(officer_client, job).content.decode()
    assert "Rij 2, kolom age: ‘abc’ is geen leeftijd in hele jaren." in page
    assert "Store these measurements" not in page and "Sla deze metingen op" not in page


def test_a_survey_job_is_only_for_the_officer_who_uploaded_it(client, officer, run_on_commit):
    client.force_login(officer)
    with run_on_commit():
        post_upload(client, good_file())
    job = ImportJob.objects.get()

    client.force_login(UserFactory(is_officer=True))
    assert job_page(client, job).status_code == 404
    assert client.get(reverse("monitoring:survey_job_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("monitoring:survey_job", args=[job.pk]), {"confirm": "1"}).status_code == 404
    assert ImportJob.objects.get().status == "voorbeeld"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_follows_a_large_survey_in_the_browser_at_360_px(live_server, browser, assert_accessible, tmp_path):
    """The worker is played by the test (import_jobs.run), so the waiting page is seen too."""
    from coalition.tests.factories import PASSWORD
    from common import import_jobs
    from westland.celery import app

    officer = UserFactory(is_officer=True)
    path = tmp_path / "enquete.csv"
    path.write_text(good_file(), encoding="utf-8")
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        page = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740}).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_login", officer.email)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}{reverse('monitoring:survey_upload')}")
        page.fill("#id_year", "2024")
        page.fill("#id_source", SOURCE)
        page.set_input_files("#id_file", str(path))
        page.click("main form.westland-form button[type=submit]")
        page.wait_for_url("**/monitor/enquetes/taak/*/")

        job = ImportJob.objects.get()
        assert page.locator("progress#import-progress").get_attribute("max") == "9"
        assert "0 van 9 rijen klaar" in page.locator("#import-progress-text").inner_text()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        assert import_jobs.run(job.pk) == "voorbeeld"
        page.get_by_text("66.7%").first.wait_for()  # fetched by htmx, no reload
        assert_accessible(page)

        page.click("button[name=confirm]")
        assert import_jobs.run(job.pk) == "klaar"
        page.get_by_text(f"is opgeslagen: {len(EXPECTED)} metingen").wait_for()
        assert_accessible(page)
        assert stored() == EXPECTED
    finally:
        app.conf.task_always_eager = eager
