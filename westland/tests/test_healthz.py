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
