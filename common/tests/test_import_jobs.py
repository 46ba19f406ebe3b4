"""Large imports run by a worker (common.import_jobs, common.admin_imports): the admin's
preview and confirm as jobs, their progress and result, refusals and failures that a
beheerder sees, and a job that only the person who started it can open."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalition.models import ReachReport
from coalition.tests.factories import InitiativeFactory, ReachReportFactory, UserFactory
from common import import_jobs
from common.admin_imports import RUNNER
from common.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = "initiative,year,quarter,participants,new_participants,volunteers,meetings"


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 2


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def run_on_commit(celery_eager, django_capture_on_commit_callbacks):
    """Tasks queued on commit run at once, in this process (eager Celery)."""

    def _run():
        return django_capture_on_commit_callbacks(execute=True)

    return _run


def reach_file(*lines):
    return SimpleUploadedFile("bereik.csv", "\n".join([HEADER, *lines]).encode(), content_type="text/csv")


def upload(client, file):
    return client.post(
        reverse("admin:coalition_reachreport_import"), {"resource": "0", "format": "0", "import_file": file}
    )


def page(client, job):
    return client.get(reverse("admin:coalition_reachreport_import_job", args=[job.pk])).content.decode()


def test_a_large_admin_import_is_previewed_and_then_imported_by_a_worker(admin_client, administrator, run_on_commit):
    stored = ReachReportFactory(year=2026, quarter=1, participants=20)
    initiative = stored.initiative
    lines = [
        f"{initiative.pk},2026,1,25,5,3,12",
        f"{initiative.pk},2026,2,30,4,3,13",
        f"{initiative.pk},2026,3,7,1,1,2",
    ]

    with run_on_commit():
        response = upload(admin_client, reach_file(*lines))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:coalition_reachreport_import_job", args=[job.pk])
    assert (job.status, job.dry_run, job.done, job.total, job.started_by) == ("voorbeeld", True, 3, 3, administrator)
    assert job.result["totals"] == {"new": 2, "update": 1, "skip": 0}
    assert ReachReport.objects.count() == 1  # the preview stored nothing
    assert bytes(job.data).startswith(HEADER.encode())  # the file waits for the confirm
    preview = page(admin_client, job)
    assert "Het bestand kan worden geïmporteerd: 2 nieuw, 1 bijgewerkt en 0 ongewijzigd" in preview
    assert 'name="confirm"' in preview

    with run_on_commit():
        response = admin_client.post(reverse("admin:coalition_reachreport_import_job", args=[job.pk]), {"confirm": "1"})

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.dry_run, job.done) == ("klaar", False, 3)
    assert job.result["totals"] == {"new": 2, "update": 1, "skip": 0}
    assert job.data is None  # kept only until the job is done
    assert job.finished_at is not None
    assert sorted(ReachReport.objects.values_list("quarter", "participants")) == [(1, 25), (2, 30), (3, 7)]
    assert LogEntry.objects.filter(user=administrator).count() == 3
    assert "Import klaar: 2 nieuw, 1 bijgewerkt en 0 ongewijzigd" in page(admin_client, job)


def test_a_small_file_keeps_the_librarys_pages_in_the_request(admin_client, settings):
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 200
    initiative = InitiativeFactory()

    response = upload(admin_client, reach_file(f"{initiative.pk},2026,1,25,5,3,12"))

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert not ImportJob.objects.exists()


def test_a_file_with_bad_rows_is_refused_in_dutch_with_its_rows_and_stores_nothing(admin_client, run_on_commit):
    initiative = InitiativeFactory()
    lines = [
        f"{initiative.pk},2026,1,25,5,3,12",
        f"{initiative.pk},2026,2,3,4,3,13",
        f"{initiative.pk + 99},2026,3,7,1,1,2",
    ]

    with run_on_commit():
        upload(admin_client, reach_file(*lines))

    job = ImportJob.objects.get()
    assert job.status == "geweigerd"
    assert job.error == "Er is niets geïmporteerd: rijen 2, 3 hebben fouten."
    assert [row["row"] for row in job.result["errors"]] == [2, 3]
    assert job.data is None
    assert not ReachReport.objects.exists()
    shown = page(admin_client, job)
    assert "Er is niets geïmporteerd: rijen 2, 3 hebben fouten." in shown
    assert "Het aantal nieuwe deelnemers kan niet meer zijn dan het totaal." in shown
    assert 'name="confirm"' not in shown


def test_progress_counts_the_rows_done_while_a_step_runs(administrator, monkeypatch):
    monkeypatch.setattr(import_jobs, "PROGRESS_SECONDS", 0)
    initiative = InitiativeFactory()
    data = "\n".join([HEADER, *(f"{initiative.pk},{2030 + n},1,5,1,1,1" for n in range(5))]).encode()
    job = import_jobs.start(
        runner="common.tests.test_import_jobs.watching_runner",
        kind="test",
        label="reach reports",
        user=administrator,
        data=data,
        total=5,
        file_name="bereik.csv",
    )
    assert import_jobs.rows_done(job) == 0

    assert import_jobs.run(job.pk) == "voorbeeld"

    job.refresh_from_db()
    # What the status page read from a fresh copy of the job after each row.
    assert job.result["seen"] == [1, 2, 3, 4, 5]
    assert (import_jobs.rows_done(job), import_jobs.percent_done(job)) == (5, 100)


def watching_runner(job, progress):
    """A runner that reports its rows and reads them back as the status page does."""
    seen = []
    for _row in range(job.total):
        progress.advance()
        seen.append(import_jobs.rows_done(ImportJob.objects.get(pk=job.pk)))
    return {"seen": seen}


def test_a_job_that_fails_says_so_in_dutch_is_logged_and_listed_for_a_beheerder(admin_client, administrator, caplog):
    # A stored file that is not what its format says (XLSX): the worker cannot read it.
    job = import_jobs.start(
        runner=RUNNER,
        kind="admin:coalition.reachreport",
        label="bereikcijfers",
        user=administrator,
        data=b"not a workbook",
        total=300,
        file_name="bereik.xlsx",
        model="coalition.reachreport",
        resource="coalition.resources.ReachReportResource",
        format="import_export.formats.base_formats.XLSX",
        encoding=None,
    )

    assert import_jobs.run(job.pk) == "mislukt"

    job.refresh_from_db()
    assert job.error.startswith("Het importeren is mislukt en er is niets opgeslagen.")
    assert job.data is None
    assert f"Import job {job.pk} (admin:coalition.reachreport) failed" in caplog.text
    assert "Het importeren is mislukt" in page(admin_client, job)
    listing = admin_client.get(reverse("admin:common_importjob_changelist") + "?status=mislukt").content.decode()
    assert "bereikcijfers" in listing
    assert "mislukt" in listing


def test_a_job_is_only_for_the_person_who_started_it(admin_client, administrator, client):
    job = import_jobs.start(
        runner=RUNNER,
        kind="admin:coalition.reachreport",
        label="x",
        user=UserFactory(is_staff=True, is_superuser=True),
        data=b"",
        total=300,
    )

    for name in ("import_job", "import_job_status"):
        assert admin_client.get(reverse(f"admin:coalition_reachreport_{name}", args=[job.pk])).status_code == 404
    assert (
        admin_client.post(
            reverse("admin:coalition_reachreport_import_job", args=[job.pk]), {"confirm": "1"}
        ).status_code
        == 404
    )
    # Nor through another model's admin, by the person who started it.
    client.force_login(job.started_by)
    assert client.get(reverse("admin:coalition_organisation_import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:coalition_reachreport_import_job_status", args=[job.pk])).status_code == 200


def test_the_status_view_polls_while_working_and_stops_when_finished(admin_client, administrator):
    job = import_jobs.start(
        runner=RUNNER, kind="admin:coalition.reachreport", label="x", user=administrator, data=b"", total=300
    )
    url = reverse("admin:coalition_reachreport_import_job_status", args=[job.pk])

    waiting = admin_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert 'max="300" value="0"' in waiting
    assert "0 van 300 rijen klaar" in waiting

    ImportJob.objects.filter(pk=job.pk).update(status="klaar", result={"totals": {"new": 300, "update": 0, "skip": 0}})
    finished = admin_client.get(url).content.decode()
    assert "hx-trigger" not in finished
    assert "300 nieuw" in finished


def test_tending_queues_a_job_the_broker_never_got_and_discards_an_old_preview(administrator, run_on_commit):
    import datetime

    from django.utils import timezone

    initiative = InitiativeFactory()
    data = "\n".join([HEADER, *(f"{initiative.pk},{2030 + n},1,5,1,1,1" for n in range(3))]).encode()
    options = {
        "model": "coalition.reachreport",
        "resource": "coalition.resources.ReachReportResource",
        "format": "common.spreadsheets.ExcelFriendlyCSV",
        "encoding": "utf-8-sig",
    }
    lost = import_jobs.start(runner=RUNNER, kind="k", label="x", user=administrator, data=data, total=3, **options)
    old = import_jobs.start(runner=RUNNER, kind="k", label="y", user=administrator, data=data, total=3, **options)
    long_ago = timezone.now() - datetime.timedelta(days=2)
    ImportJob.objects.filter(pk=lost.pk).update(created_at=long_ago)
    ImportJob.objects.filter(pk=old.pk).update(created_at=long_ago, status="voorbeeld")

    with run_on_commit():
        assert import_jobs.tend() == {"queued_again": 1, "discarded": 1}

    lost.refresh_from_db()
    old.refresh_from_db()
    assert lost.status == "voorbeeld"
    assert (old.status, old.data) == ("vervallen", None)
