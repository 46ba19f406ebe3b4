"""A beheerder's large reach import in real Chromium, at 360 px: the file goes to a worker,
the page shows a progress bar and then — fetched by htmx, without a reload — the preview,
and after "Import bevestigen" the result. axe finds nothing serious on any of these states.

The test plays the worker itself (common.import_jobs.run), so that the page is seen while
the job waits, and then when it is done."""

import pytest

from coalition.models import ReachReport
from coalition.tests.factories import PASSWORD, InitiativeFactory, UserFactory
from common import import_jobs
from common.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "initiative,year,quarter,participants,new_participants,volunteers,meetings"


@pytest.fixture
def worker_not_in_the_request():
    """Tasks are queued, not run inside the request: the test runs each step itself."""
    from westland.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_a_large_reach_import_shows_its_progress_then_preview_then_result(
    live_server, browser, assert_accessible, settings, tmp_path, worker_not_in_the_request
):
    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 5
    administrator = UserFactory(is_staff=True, is_superuser=True)
    initiative = InitiativeFactory()
    path = tmp_path / "bereik.csv"
    path.write_text("\n".join([HEADER, *(f"{initiative.pk},{2030 + n},1,20,5,3,12" for n in range(12))]))

    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", administrator.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/admin/coalition/reachreport/import/")
    page.set_input_files("#id_import_file", str(path))
    page.select_option("#id_format", "0")
    page.click("input[type=submit]")
    page.wait_for_url("**/import/taak/*/")

    job = ImportJob.objects.get()
    progress = page.locator("progress#import-progress")
    assert progress.get_attribute("max") == "12"
    assert progress.get_attribute("value") == "0"
    assert "0 van 12 rijen klaar" in page.locator("#import-progress-text").inner_text()
    assert page.locator("#import-progress-label").inner_text() == "Het bestand wordt gecontroleerd"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    assert import_jobs.run(job.pk) == "voorbeeld"  # the worker checks the file
    page.get_by_text("Het bestand kan worden geïmporteerd: 12 nieuw").wait_for()  # htmx, no reload
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the preview table scrolls in its box
    assert not ReachReport.objects.exists()

    page.click("input[name=confirm]")
    page.locator("#import-progress-label").get_by_text("Bezig met importeren").wait_for()
    assert_accessible(page)

    assert import_jobs.run(job.pk) == "klaar"  # the worker imports
    page.get_by_text("Import klaar: 12 nieuw, 0 bijgewerkt en 0 ongewijzigd").wait_for()
    assert_accessible(page)
    assert ReachReport.objects.count() == 12
    assert errors == []
    context.close()
