"""What ``/healthz`` reports: whether the portal's parts answer and whether its work goes on.

A stable interface (docs/design.md, "Stable interfaces"): keys are added, never renamed.
The answer is 503 when work has stopped: the database, cache or broker does not answer,
or the worker's or beat's heartbeat is older than ``PORTAL_HEARTBEAT_MAX_AGE_SECONDS``.
``reasons`` says which. The outbox and the routing are reported, but are no reason for
503: the public pages and the intake still work (docs/adr/0008, 0009). A fixed number of
queries, whatever the data.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from common import heartbeat, outbox
from signals.services import routes

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value it was given")


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _process(kind: str, ages: dict[str, float] | None) -> dict:
    """The state of the worker or beat from its last heartbeat."""
    max_age = settings.PORTAL_HEARTBEAT_MAX_AGE_SECONDS
    state = {"status": "ok", "age_seconds": None, "max_age_seconds": max_age}
    if settings.CELERY_TASK_ALWAYS_EAGER:  # tasks run in the web process: there is no worker or beat
        state["status"] = "eager"
    elif ages is None:  # the database did not answer (reported as such)
        state["status"] = "unknown"
    elif kind not in ages:
        state["status"] = "missing"
    else:
        state["age_seconds"] = round(ages[kind], 1)
        if ages[kind] > max_age:
            state["status"] = "stale"
    return state


def _reason(kind: str, state: dict) -> str:
    if state["status"] == "missing":
        return f"{kind}: no heartbeat recorded yet"
    if state["status"] == "unknown":
        return f"{kind}: heartbeat unreadable"
    return f"{kind}: last heartbeat {state['age_seconds']:.0f} s ago, more than {state['max_age_seconds']:.0f} s"


def report() -> tuple[dict, bool]:
    """The JSON ``/healthz`` answers, and whether the portal is healthy (200) or not (503)."""
    body, reasons = {}, []
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            body[name] = check() or "ok"
        except Exception as exc:  # any failure of a dependency is reported, not raised
            logger.warning("healthz: %s unavailable: %s", name, exc)
            body[name] = "unavailable"
            reasons.append(f"{name}: unavailable")
    database_up = body["database"] == "ok"

    ages = None
    if database_up and not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            ages = heartbeat.ages()
        except Exception as exc:  # e.g. a database not migrated yet: no heartbeat can be read
            logger.warning("healthz: heartbeats unreadable: %s", exc)
    for kind in (heartbeat.WORKER, heartbeat.BEAT):
        body[kind] = _process(kind, ages)
        if body[kind]["status"] in ("missing", "stale") or (body[kind]["status"] == "unknown" and database_up):
            reasons.append(_reason(kind, body[kind]))

    body["outbox"] = {"waiting": None, "oldest_waiting_seconds": None, "failed": None}
    if database_up:
        try:
            body["outbox"] = outbox.backlog()
        except Exception as exc:
            logger.warning("healthz: outbox unreadable: %s", exc)

    # Whether a new signal reaches someone. Reported, but not a reason for the load balancer
    # to take the portal away: the public pages and the intake still work (docs/adr/0008).
    try:
        problems = routes.routing_problems()
        body["routing"] = {"ok": not problems, "problems": problems, "waiting_for_a_route": routes.unrouted().count()}
    except Exception as exc:  # the database is already reported above
        body["routing"] = {"ok": False, "problems": [type(exc).__name__], "waiting_for_a_route": None}

    body["status"] = "unavailable" if reasons else "ok"
    body["reasons"] = reasons
    return body, not reasons
