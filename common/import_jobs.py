"""Large imports in the background: a job in the database, a Celery task, progress in the cache.

An import of more than ``PORTAL_BACKGROUND_IMPORT_ROWS`` rows (an admin spreadsheet
import, an officer's survey upload) is not run inside the request, where a large file
outlasted gunicorn's worker timeout. The page that received the file calls :func:`start`,
which stores the file in a :class:`~common.models.ImportJob` and hands the job to a
worker when the transaction commits. The worker runs the job's *runner* (a dotted path
the starting code names; it takes the job and a :class:`Progress` and returns the result
to show) in two steps, as the pages do in the request: the preview (a dry run that
stores nothing) and, once the person confirms (:func:`confirm`), the import itself. Each
step is all or nothing, as before: a runner stores in one transaction.

The page polls :func:`rows_done` through a small status view; everything it shows comes
from the job, so a reload finds it again. A step that fails is marked failed with a
message in Dutch, logged, and listed for a beheerder in the admin (*Imports*). The file
is emptied when the job is finished. docs/adr/0012-imports-in-the-background.md.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import ImportJob

logger = logging.getLogger(__name__)

Status = ImportJob.Status

# How often a running step writes its count of rows done to the cache.
PROGRESS_SECONDS = 0.5
# A preview nobody confirmed or discarded is discarded (and its file emptied) after this.
PREVIEW_KEPT = datetime.timedelta(days=1)
# A job still waiting this long after it was queued is handed to a worker again (the
# broker was away when the page queued it).
REQUEUE_AFTER = datetime.timedelta(minutes=2)


class Refused(Exception):
    """The file cannot be imported as it is (rows with errors): nothing was stored.

    ``result`` is what the page shows (the rows and their errors)."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


def background_rows() -> int:
    return settings.PORTAL_BACKGROUND_IMPORT_ROWS


def runs_in_background(rows: int) -> bool:
    """Whether an import of ``rows`` rows goes to a worker rather than running in the request."""
    return rows > background_rows()


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:done"


class Progress:
    """Counts the rows a running step has done, for the status page (through the cache:
    the step's transaction is not visible to other connections until it ends)."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.done = 0
        self._written_at = 0.0

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._written_at >= PROGRESS_SECONDS:
            self._written_at = now
            cache.set(_progress_key(self.job_id), self.done, 60 * 60)


def rows_done(job: ImportJob) -> int:
    """Rows done of ``job.total``: counted in the cache while a step runs, stored after."""
    if job.status == Status.RUNNING:
        return min(cache.get(_progress_key(job.pk)) or 0, job.total)
    return job.done


def percent_done(job: ImportJob) -> int:
    return round(100 * rows_done(job) / job.total) if job.total else 0


def start(*, runner: str, kind: str, label: str, user, data: bytes, total: int, file_name: str = "", **options):
    """Store the file in a new job and queue its preview; the job is returned."""
    job = ImportJob.objects.create(
        kind=kind,
        label=label[:200],
        started_by=user,
        data=data,
        total=total,
        file_name=file_name[:255],
        options={"runner": runner, **options},
    )
    _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    from .tasks import run_import_job

    def hand_over():
        try:
            run_import_job.delay(job.pk)
        except Exception:  # the broker is away: beat's tend_import_jobs queues it again
            logger.warning("Import job %s could not be handed to a worker; it is queued again later", job.pk)

    transaction.on_commit(hand_over)


def confirm(job: ImportJob) -> bool:
    """Queue the import itself after a preview without errors; False when the job is not waiting for it."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.PREVIEWED:
            return False
        job.dry_run = False
        job.status = Status.QUEUED
        job.done = 0
        job.started_at = None
        job.save(update_fields=["dry_run", "status", "done", "started_at"])
        _queue(job)
    return True


def discard(job: ImportJob) -> bool:
    """Discard a preview nobody wants to import (its file is emptied)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.PREVIEWED:
            return False
        _finish(job, Status.DISCARDED)
    return True


def _finish(job: ImportJob, status: str, *, result: dict | None = None, error: str = "") -> None:
    job.status = status
    job.error = error
    if result is not None:
        job.result = result
    fields = ["status", "error", "result", "done"]
    if status in ImportJob.FINISHED:
        job.data = None
        job.finished_at = timezone.now()
        fields += ["data", "finished_at"]
    job.save(update_fields=fields)


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job running, unless another worker has it (or it is not waiting at all)."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).select_related("started_by").first()
        if job is None:
            return None
        # A running job is taken again only when the worker that had it died (its message
        # came back after the visibility timeout): the step it ran was rolled back.
        if job.status != Status.QUEUED and not (job.status == Status.RUNNING and job.started_at < stale):
            return None
        job.status = Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    cache.delete(_progress_key(job.pk))
    return job


def run(job_id: int) -> str | None:
    """Run the job's current step (the Celery task's body); returns the status it ends in."""
    job = _claim(job_id)
    if job is None:
        return None
    progress = Progress(job)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = import_string(job.options["runner"])(job, progress)
        except Refused as refused:
            _finish(job, Status.REFUSED, result=refused.result, error=refused.message)
        except ValidationError as error:
            _finish(job, Status.REFUSED, result={}, error=" ".join(error.messages))
        except Exception:
            logger.exception("Import job %s (%s) failed", job.pk, job.kind)
            _finish(
                job,
                Status.FAILED,
                result={},
                error=_(
                    "The import failed and nothing was stored. Try again later; if it fails again, "
                    "a beheerder can see this import in the admin under Imports."
                ),
            )
        else:
            job.done = job.total
            _finish(job, Status.PREVIEWED if job.dry_run else Status.DONE, result=result)
    cache.delete(_progress_key(job.pk))
    return job.status


def tend() -> dict:
    """Beat: queue again what waits too long for a worker; discard previews left for a day."""
    now = timezone.now()
    waiting = list(
        ImportJob.objects.filter(status=Status.QUEUED, created_at__lt=now - REQUEUE_AFTER).values_list("pk", flat=True)
    )
    for job in ImportJob.objects.filter(pk__in=waiting):
        _queue(job)
    old = 0
    for job in ImportJob.objects.filter(status=Status.PREVIEWED, created_at__lt=now - PREVIEW_KEPT):
        old += discard(job)
    return {"queued_again": len(waiting), "discarded": old}
