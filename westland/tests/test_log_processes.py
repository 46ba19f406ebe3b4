"""The real processes of ``make serve`` write the one log format: gunicorn with
westland/gunicorn_conf.py, a Celery worker and beat (through Django's LOGGING, not their
own), and a task a request queued logs, in the worker, under that request's id."""

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connection

from benchmarks.load.faults import free_port
from signals.tests.test_public_intake import START, complete, opened
from westland.tests.processes import database_url as _database_url
from westland.tests.processes import wait_for
from westland.tests.services import require
from westland.tests.test_logs import PLAIN_LINE, UTC_ISO_8601

RESIDENT_DETAILS = ("Kees van der Berg", "06 12 34 56 78", "kees@voorbeeld.nl", "Mevrouw op nummer 12")


def process_env(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "westland.settings",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
            "REDIS_URL": "",
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(overrides)
    return env


def start(command, env, log_path):
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, 15)
    process.wait(30)


# What Celery's worker prints itself (not through logging) when it is stopped.
WORKER_SHUTDOWN = ("", "worker: Warm shutdown (MainProcess)")


def parsed(log_path, log_format):
    """Every line of a process's output in the given format, as (timestamp, level, logger, request id, message)."""
    lines = log_path.read_text().splitlines()
    if lines[-2:] == list(WORKER_SHUTDOWN):
        lines = lines[:-2]
    assert lines, "the process wrote nothing"
    rows = []
    for line in lines:
        if log_format == "json":
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                pytest.fail(f"not a JSON log line: {line!r}")
            rows.append(
                (record["timestamp"], record["level"], record["logger"], record["request_id"], record["message"])
            )
        else:
            match = PLAIN_LINE.match(line)
            assert match, f"not a log line of the plain format: {line!r}"
            rows.append(match.groups())
    for row in rows:
        assert UTC_ISO_8601.match(row[0]), row
    return rows


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_gunicorn_writes_its_error_and_access_log_in_the_one_format(tmp_path, log_format):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--config", "python:westland.gunicorn_conf"]
    command += ["westland.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"]
    gunicorn = start(command, process_env(tmp_path, LOG_FORMAT=log_format), log_path)
    sent = str(uuid.uuid4())
    try:
        assert wait_for(lambda: "Booting worker" in log_path.read_text(), 30), log_path.read_text()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz?naam=Jannie", headers={"X-Request-ID": sent})
        try:
            urllib.request.urlopen(request, timeout=30)  # noqa: S310 (a local http URL)
        except urllib.error.HTTPError as answer:  # 503: no migrated database, broker or route
            assert answer.headers["X-Request-ID"] == sent
        assert wait_for(lambda: "GET /healthz" in log_path.read_text(), 10), log_path.read_text()
    finally:
        stop(gunicorn)

    rows = parsed(log_path, log_format)
    loggers = {row[2] for row in rows}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers
    (access,) = [row for row in rows if row[2] == "gunicorn.access"]
    assert access[3] == sent
    assert '"GET /healthz HTTP/1.1"' in access[4]
    assert "Jannie" not in log_path.read_text()  # the query string is not logged
    # The worker's lines after the request (its exit) belong to no request.
    assert {row[3] for row in rows if row[2] == "gunicorn.error"} == {"-"}
    assert any("Worker exiting" in row[4] for row in rows)


def test_celery_beat_logs_through_djangos_logging(tmp_path):
    log_path = tmp_path / "beat.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "westland",
        "--quiet",
        "beat",
        f"--schedule={tmp_path / 'schedule'}",
    ]
    beat = start(command, process_env(tmp_path, LOG_FORMAT="json"), log_path)
    try:
        assert wait_for(lambda: "beat: Starting" in log_path.read_text(), 30), log_path.read_text()
    finally:
        stop(beat)

    rows = parsed(log_path, "json")
    assert any(row[2] == "celery.beat" and row[4] == "beat: Starting..." for row in rows), rows


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_in_the_worker_under_the_requests_id(tmp_path, client):
    require(bool(settings.REDIS_URL), "a Redis broker (set REDIS_URL)")
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    from signals.tests.factories import RoutingRuleFactory

    RoutingRuleFactory(is_default=True)
    log_path = tmp_path / "worker.log"
    env = process_env(
        tmp_path,
        LOG_FORMAT="json",
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        CONN_MAX_AGE="0",
        # Nothing listens there: each delivery fails and the outbox logs a warning.
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
    )
    command = [sys.executable, "-m", "celery", "-A", "westland", "--quiet", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = start(command, env, log_path)
    sent = str(uuid.uuid4())
    try:
        response = client.post(START, complete(opened(client)), HTTP_X_REQUEST_ID=sent)
        assert response.status_code == 302
        assert response["X-Request-ID"] == sent
        # Two e-mails: the opvolger's notification and the reporter's receipt.
        assert wait_for(lambda: log_path.read_text().count("common.outbox") >= 2, 90), log_path.read_text()
    finally:
        stop(worker)

    rows = parsed(log_path, "json")
    outbox_lines = [row for row in rows if row[2] == "common.outbox"]
    assert len(outbox_lines) == 2
    assert {row[3] for row in outbox_lines} == {sent}
    assert all(re.match(r"E-mail \d+ \(signals\.\w+\) not sent, will retry", row[4]) for row in outbox_lines)
    text = log_path.read_text()
    for detail in RESIDENT_DETAILS:
        assert detail not in text
