import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import heartbeat
from common.models import Email, Heartbeat
from westland.celery import app as celery_app


@pytest.fixture
def fresh_heartbeats(db):
    """A worker and beat that just showed they work (what a running portal has)."""
    heartbeat.record(heartbeat.WORKER)
    heartbeat.record(heartbeat.BEAT)


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client, settings, fresh_heartbeats):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    # With REDIS_URL (CI) the broker is Redis and must answer; without it tasks run eagerly.
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")
    for kind in ("worker", "beat"):
        assert body[kind]["status"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")
        assert body[kind]["max_age_seconds"] == 60
    assert body["outbox"] == {"waiting": 0, "oldest_waiting_seconds": None, "failed": 0}
    assert body["reasons"] == []


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Nothing listens on port 1: a real, refused connection.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"] == "unavailable"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_whether_a_new_signal_reaches_someone(client, fresh_heartbeats):
    from signals.tests.factories import RoutingRuleFactory

    body = client.get("/healthz").json()
    assert body["routing"]["ok"] is False
    assert "no approved Signaalpunt (an organisation marked as signal handler)" in body["routing"]["problems"]

    RoutingRuleFactory(is_default=True)  # a staffed Signaalpunt with a default route
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["routing"] == {"ok": True, "problems": [], "waiting_for_a_route": 0}


def _email(status, minutes_ago):
    email = Email.objects.create(kind="test", address="iemand@example.org", subject="Test", status=status)
    Email.objects.filter(pk=email.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))


@pytest.mark.django_db
def test_healthz_is_503_with_the_reason_when_the_worker_or_beat_stopped_beating(client, settings, fresh_heartbeats):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PORTAL_HEARTBEAT_MAX_AGE_SECONDS = 60
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == body["beat"]["status"] == "ok"
    assert 0 <= body["worker"]["age_seconds"] < 5

    Heartbeat.objects.filter(kind="worker").update(seen_at=timezone.now() - datetime.timedelta(seconds=75))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["worker"]["status"] == "stale" and 74 <= body["worker"]["age_seconds"] < 80
    assert body["beat"]["status"] == "ok"
    assert body["reasons"] == [f"worker: last heartbeat {body['worker']['age_seconds']:.0f} s ago, more than 60 s"]

    Heartbeat.objects.filter(kind="beat").delete()
    body = client.get("/healthz").json()
    assert body["beat"] == {"status": "missing", "age_seconds": None, "max_age_seconds": 60}
    assert body["reasons"][1] == "beat: no heartbeat recorded yet"


@pytest.mark.django_db
def test_healthz_reports_eager_celery_as_having_no_worker_or_beat_to_watch(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {"status": "eager", "age_seconds": None, "max_age_seconds": 60}
    assert response.json()["beat"]["status"] == "eager"


@pytest.mark.django_db
def test_healthz_reports_the_outbox_backlog_in_a_fixed_number_of_queries(client, fresh_heartbeats):
    with CaptureQueriesContext(connection) as empty:
        assert client.get("/healthz").json()["outbox"] == {"waiting": 0, "oldest_waiting_seconds": None, "failed": 0}

    _email(Email.Status.PENDING, minutes_ago=30)
    _email(Email.Status.PENDING, minutes_ago=2)
    _email(Email.Status.FAILED, minutes_ago=600)
    _email(Email.Status.SENT, minutes_ago=900)
    _email(Email.Status.CANCELLED, minutes_ago=900)
    with CaptureQueriesContext(connection) as full:
        response = client.get("/healthz")
    outbox = response.json()["outbox"]
    assert outbox["waiting"] == 1 + 1 and outbox["failed"] == 1
    assert 30 * 60 <= outbox["oldest_waiting_seconds"] < 31 * 60
    # A growing outbox is reported for whoever watches it, but the portal still serves.
    assert response.status_code == 200
    assert len(full) == len(empty)
