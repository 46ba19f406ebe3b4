import pytest

from westland.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    # With REDIS_URL (CI) the broker is Redis and must answer; without it tasks run eagerly.
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


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
def test_healthz_reports_whether_a_new_signal_reaches_someone(client):
    from signals.tests.factories import RoutingRuleFactory

    body = client.get("/healthz").json()
    assert body["routing"]["ok"] is False
    assert "no approved Signaalpunt (an organisation marked as signal handler)" in body["routing"]["problems"]

    RoutingRuleFactory(is_default=True)  # a staffed Signaalpunt with a default route
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["routing"] == {"ok": True, "problems": [], "waiting_for_a_route": 0}
