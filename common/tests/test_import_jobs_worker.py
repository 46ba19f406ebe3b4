"""A large admin import with the real PostgreSQL, Redis and a Celery worker (CI): the page
that polls the status view sees the rows counted up while the worker checks the file,
then the preview; after the confirm the worker stores every row. Locally, without
PostgreSQL and Redis, this test says why it skips."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from coalition.models import ReachReport
from coalition.tests.factories import InitiativeFactory, UserFactory
from common.models import ImportJob
from westland.celery import app as celery_app
from westland.tests.services import require

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 3000
PROGRESS = re.compile(r'max="(\d+)" value="(\d+)"')


def poll(client, job, until, seconds=120):
    """The values the status view's <progress> showed until the job reached ``until``."""
    url = reverse("admin:coalition_reachreport_import_job_status", args=[job.pk])
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # The job's state first, then the page: a page read before the job moved on would
        # show the old state while the job already says ``until``.
        job.refresh_from_db()
        html = client.get(url).content.decode()
        if match := PROGRESS.search(html):
            seen.append(int(match.group(2)))
        if job.status == until:
            return seen, html
        assert job.status in ("wacht", "bezig"), (job.status, job.error)
        time.sleep(0.1)
    raise AssertionError(f"the job did not reach {until} in {seconds} s: {job.status}")


def test_a_worker_imports_a_large_file_while_the_page_shows_its_progress(client, settings):
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(bool(settings.REDIS_URL), "a Redis broker (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 200
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    initiatives = InitiativeFactory.create_batch(10)
    lines = ["initiative,year,quarter,participants,new_participants,volunteers,meetings"]
    lines += [f"{initiatives[n % 10].pk},{2000 + n // 40},{n // 10 % 4 + 1},20,5,3,12" for n in range(ROWS)]
    upload = SimpleUploadedFile("bereik.csv", "\n".join(lines).encode(), content_type="text/csv")

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        response = client.post(
            reverse("admin:coalition_reachreport_import"), {"resource": "0", "format": "0", "import_file": upload}
        )
        job = ImportJob.objects.get()
        assert response.status_code == 302
        checking, preview = poll(client, job, "voorbeeld")
        assert any(0 < value < ROWS for value in checking), checking  # counted up while it ran
        assert f"Het bestand kan worden geïmporteerd: {ROWS} nieuw" in preview
        assert not ReachReport.objects.exists()

        client.post(reverse("admin:coalition_reachreport_import_job", args=[job.pk]), {"confirm": "1"})
        _importing, result = poll(client, job, "klaar")

    assert f"Import klaar: {ROWS} nieuw, 0 bijgewerkt en 0 ongewijzigd" in result
    assert ReachReport.objects.count() == ROWS
    assert job.data is None and job.done == ROWS
    assert settings.CELERY_TASK_ALWAYS_EAGER is False  # a real worker did it
