"""Redis stopped in the middle of the work, and started again (a redis-server of the test's
own): a report is still stored, a signed-in person stays signed in, the dashboard still
answers, and what could not be done is logged. docs/adr/0008 says why each degrades so."""

import logging

import pytest
from django.core.cache import cache

from coalition.models import AgeGroup, Kern
from signals.constants import Source
from signals.models import ObservedSign, Signal
from signals.tests.test_public_intake import complete, opened
from westland.tests.spare import SpareRedis

pytestmark = pytest.mark.django_db

PARTNER_AREA = "/coalitie/"


@pytest.fixture
def redis(settings):
    spare = SpareRedis().start()
    settings.CACHES = spare.cache_settings()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield spare
    spare.stop()


def test_a_residents_report_is_stored_while_redis_is_down(client, redis, signaalpunt, caplog):
    meta = opened(client)
    redis.stop()

    with caplog.at_level(logging.WARNING, logger="common.cache"):
        response = client.post("/signaal-doorgeven/", complete(meta))

    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.source == Source.RESIDENT_OTHER
    assert signal.handling_organisation == signaalpunt
    assert "Cache unavailable" in caplog.text and "rate limits are not enforced" in caplog.text


def test_a_staff_signal_is_stored_while_redis_is_down(client, redis, staff_member, signaalpunt):
    client.force_login(staff_member)
    form = client.get("/signalen/nieuw/").content.decode()
    token = form.split('name="submission_token" value="', 1)[1].split('"', 1)[0]
    redis.stop()

    response = client.post(
        "/signalen/nieuw/",
        {
            "submission_token": token,
            "age_group": AgeGroup.objects.get(code="ouderen").pk,
            "kern": Kern.objects.get(code="monster").pk,
            "signs": [ObservedSign.objects.get(code="zegt-eenzaam").pk],
            "note": "Zegt dat ze zich alleen voelt.",
            "consent": "nee",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Signal.objects.filter(filed_by=staff_member).count() == 1


def test_a_signed_in_person_stays_signed_in_through_a_redis_restart(client, redis, sign_in, coordinator):
    sign_in(coordinator)
    assert client.get(PARTNER_AREA).status_code == 200

    redis.stop()
    assert client.get(PARTNER_AREA).status_code == 200  # the session is read from the database

    redis.start()  # empty: Redis here keeps nothing on disk
    assert cache.get("anything") is None
    assert client.get(PARTNER_AREA).status_code == 200


def test_the_dashboard_computes_while_redis_is_down(client, redis, sign_in, officer):
    sign_in(officer)
    redis.stop()

    response = client.get("/monitor/")

    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_signing_in_works_while_redis_is_down(client, redis, sign_in, coordinator):
    redis.stop()
    sign_in(coordinator)  # allauth's limiter cannot count: the sign-in goes through
    assert client.get(PARTNER_AREA).status_code == 200
