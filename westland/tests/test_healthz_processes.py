"""Stopping the worker or beat turns /healthz to 503, starting it again turns it back.

A real ``celery worker`` and ``celery beat`` (the production settings, ``westland.settings``)
on a Redis of the test's own and the test's PostgreSQL database, with heartbeats every
second and a maximum age of a few seconds instead of production's 15 and 60, so the test
takes seconds where production takes at most a minute."""

import os
import time

import pytest
from django.db import connection

from westland.celery import app as celery_app
from westland.tests.processes import database_url, start_celery, stop, wait_for
from westland.tests.services import require
from westland.tests.spare import SpareRedis

pytestmark = pytest.mark.django_db(transaction=True)

HEARTBEAT_SECONDS = 1
MAX_AGE_SECONDS = 4
# A process started on a busy CI machine (two cores) may take a while to import Django.
START_SECONDS = 60


def _use_broker(monkeypatch, url):
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def spare_broker(monkeypatch, settings):
    redis = SpareRedis().start()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _use_broker(monkeypatch, redis.url)
    yield redis
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    redis.stop()


def test_stopping_the_worker_or_beat_turns_healthz_to_503_and_starting_it_again_turns_it_back(
    client, settings, tmp_path, spare_broker
):
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    settings.PORTAL_HEARTBEAT_MAX_AGE_SECONDS = MAX_AGE_SECONDS
    env = {
        **{name: value for name, value in os.environ.items() if name != "PYTEST_XDIST_WORKER"},
        "DJANGO_SETTINGS_MODULE": "westland.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "REDIS_URL": spare_broker.url,
        "CONN_MAX_AGE": "0",
        "PORTAL_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "PORTAL_HEARTBEAT_MAX_AGE_SECONDS": str(MAX_AGE_SECONDS),
        # Beat's schedule file is this test's own (the setting, no --schedule).
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "celerybeat-schedule"),
    }
    worker_arguments = ["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO"]
    worker_arguments += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    beat_arguments = ["beat", "--loglevel=INFO"]
    answers = []

    def healthz():
        response = client.get("/healthz")
        answers.append((response.status_code, response.json()))
        return answers[-1]

    def answers_200():
        return healthz()[0] == 200

    def answers_503():
        return healthz()[0] == 503

    processes = {
        "worker": start_celery(worker_arguments, env, "health-worker"),
        "beat": start_celery(beat_arguments, env, "health-beat"),
    }
    try:
        assert wait_for(answers_200, START_SECONDS), f"never healthy; see /tmp/westland-health-*.log: {answers[-1]}"
        status, body = answers[-1]
        assert body["worker"]["status"] == body["beat"]["status"] == "ok"
        assert body["worker"]["age_seconds"] <= MAX_AGE_SECONDS and body["reasons"] == []
        assert list(tmp_path.glob("celerybeat-schedule*")), "beat did not use the schedule file of the setting"

        for kind, other in (("worker", "beat"), ("beat", "worker")):
            stop(processes[kind], "SIGKILL")
            stopped = time.monotonic()
            assert wait_for(answers_503, MAX_AGE_SECONDS + HEARTBEAT_SECONDS + 10), f"{kind} stopped: {answers[-1]}"
            assert time.monotonic() - stopped <= MAX_AGE_SECONDS + HEARTBEAT_SECONDS + 3
            status, body = answers[-1]
            assert body["status"] == "unavailable"
            assert body[kind]["status"] == "stale" and body[kind]["age_seconds"] > MAX_AGE_SECONDS
            assert body[other]["status"] == "ok"
            assert body["database"] == body["broker"] == "ok"
            assert body["reasons"] == [
                f"{kind}: last heartbeat {body[kind]['age_seconds']:.0f} s ago, more than {MAX_AGE_SECONDS} s"
            ]

            processes[kind] = start_celery(
                worker_arguments if kind == "worker" else beat_arguments, env, f"health-{kind}"
            )
            assert wait_for(answers_200, START_SECONDS), f"{kind} started again: {answers[-1]}"
            assert answers[-1][1][kind]["status"] == "ok"
    finally:
        for process in processes.values():
            stop(process, "SIGKILL")
