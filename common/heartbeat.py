"""Heartbeats of the Celery worker and beat, for ``/healthz`` (docs/adr/0009).

A worker records one from its event loop while it consumes from the broker (a consumer
bootstep on the worker's timer); beat records one from its scheduler loop (a scheduler
class, ``CELERY_BEAT_SCHEDULER``). Both write at most every ``PORTAL_HEARTBEAT_SECONDS``
into one row per kind of process (``common.models.Heartbeat``), with the database's
clock. A process that is killed, hangs, or lost its broker stops writing; ``/healthz``
answers 503 once the row is older than ``PORTAL_HEARTBEAT_MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import logging
import time

from celery import bootsteps
from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import DurationField, ExpressionWrapper, F
from django.db.models.functions import Now

logger = logging.getLogger(__name__)

WORKER = "worker"
BEAT = "beat"


def interval() -> float:
    return settings.PORTAL_HEARTBEAT_SECONDS


def record(kind: str) -> None:
    """Note that a process of ``kind`` works, now. A database that does not answer is
    logged, never raised: the process goes on, and its heartbeat simply grows old."""
    from .models import Heartbeat

    # A long-lived process (not a request): drop a connection that broke or expired
    # (never inside a transaction, which that would end: a test's).
    if not connection.in_atomic_block:
        close_old_connections()
    try:
        if not Heartbeat.objects.filter(kind=kind).update(seen_at=Now()):
            Heartbeat.objects.get_or_create(kind=kind, defaults={"seen_at": Now()})
    except DatabaseError as exc:
        logger.warning("Heartbeat of the Celery %s not recorded: %s", kind, exc)


def ages() -> dict[str, float]:
    """Seconds since each kind's last heartbeat, by the database's clock (one query)."""
    from .models import Heartbeat

    age = ExpressionWrapper(Now() - F("seen_at"), output_field=DurationField())
    rows = Heartbeat.objects.annotate(age=age).values_list("kind", "age")
    return {kind: max(delta.total_seconds(), 0.0) for kind, delta in rows}


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Consumer bootstep (``westland/celery.py``): while the worker consumes tasks, its event
    loop records the worker's heartbeat. Stopped when the consumer stops, e.g. when the
    broker connection is lost, so a worker that cannot take tasks stops beating too."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent, **kwargs):
        self.timer_entry = None
        super().__init__(parent, **kwargs)

    def start(self, parent):
        record(WORKER)
        self.timer_entry = parent.timer.call_repeatedly(interval(), record, (WORKER,))

    def stop(self, parent):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


class HeartbeatScheduler(PersistentScheduler):
    """Celery's own scheduler (the schedule file, ``CELERY_BEAT_SCHEDULE_FILENAME``) that
    also records beat's heartbeat on its loop and wakes at least every heartbeat interval."""

    _last_heartbeat: float | None = None

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        now = time.monotonic()
        if self._last_heartbeat is None or now - self._last_heartbeat >= interval():
            record(BEAT)
            self._last_heartbeat = now
        return min(delay, interval())
