"""Sessions of roles that may see personal data end after 30 idle minutes; a medewerker's
session keeps SESSION_COOKIE_AGE. Proved on the real session backends: the database backend
with the clock moved forward, and Redis (the production backend) with its own expiry."""

import datetime
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from westland.tests.services import redis_only

PARTNER_AREA = "/coalitie/"
SHORT_SESSION_ROLES = ["handler", "coordinator", "officer", "administrator"]


def signed_in(client):
    response = client.get(PARTNER_AREA)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), response
    return False


@pytest.fixture
def database_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.PORTAL_ENFORCE_MFA = False  # these users have no TOTP here; MFA is proved elsewhere


def test_the_idle_timeout_is_thirty_minutes_by_default():
    assert django_settings.PORTAL_IDLE_SESSION_SECONDS == 30 * 60
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60


@pytest.mark.parametrize("role", SHORT_SESSION_ROLES)
def test_personal_data_roles_are_signed_out_after_thirty_idle_minutes(
    client, sign_in, request, role, database_sessions
):
    user = request.getfixturevalue(role)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = sign_in(user)
        # The sign-in response already carries the short lifetime.
        assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 1800
        traveller.shift(datetime.timedelta(minutes=29))
        assert signed_in(client)
        # Each request starts the 30 minutes again: 58 minutes after signing in, 29 idle.
        traveller.shift(datetime.timedelta(minutes=29))
        assert signed_in(client)
        traveller.shift(datetime.timedelta(minutes=30, seconds=1))
        assert not signed_in(client)


def test_a_medewerker_keeps_the_normal_session(client, sign_in, staff_member, database_sessions):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = sign_in(staff_member)
        assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == ""  # SESSION_COOKIE_AGE applies
        traveller.shift(datetime.timedelta(minutes=31))
        assert signed_in(client)
        traveller.shift(datetime.timedelta(hours=7, minutes=59))  # 8 hours idle after the last request
        assert not signed_in(client)


def test_the_timeout_follows_the_role_not_the_session(client, staff_member, database_sessions):
    """A medewerker who becomes coördinator gets the short session from the next request on."""
    from coalition.constants import Role

    client.force_login(staff_member)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert signed_in(client)
        staff_member.memberships.update(role=Role.COORDINATOR)
        assert signed_in(client)
        traveller.shift(datetime.timedelta(minutes=31))
        assert not signed_in(client)


def test_the_deadline_moves_at_most_once_a_minute(client, handler, database_sessions):
    """A busy opvolger does not write the session on every click; the deadline still follows them."""
    from django.contrib.sessions.models import Session

    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(handler)  # any sign-in starts the short session (westland.receivers)

        def deadline():
            return Session.objects.get(pk=client.session.session_key).expire_date

        assert deadline() == start + datetime.timedelta(minutes=30)
        traveller.shift(datetime.timedelta(seconds=30))
        assert signed_in(client)
        assert deadline() == start + datetime.timedelta(minutes=30)
        traveller.shift(datetime.timedelta(seconds=31))
        assert signed_in(client)
        assert deadline() == start + datetime.timedelta(minutes=31, seconds=1)


def _ttl(session_key):
    """The seconds Redis itself will keep the session, read from Redis."""
    import redis

    key = cache.make_key(f"django.contrib.sessions.cached_db{session_key}")
    return redis.Redis.from_url(django_settings.REDIS_URL).ttl(key)


@redis_only
@pytest.mark.parametrize(("role", "lifetime"), [("handler", 1800), ("officer", 1800), ("staff_member", 8 * 3600)])
def test_redis_keeps_each_session_as_long_as_its_role_allows(client, sign_in, request, role, lifetime, settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    settings.PORTAL_ENFORCE_MFA = False
    sign_in(request.getfixturevalue(role))
    assert lifetime - 5 <= _ttl(client.session.session_key) <= lifetime


@redis_only
def test_redis_drops_an_idle_session_by_itself(client, sign_in, handler, staff_member, settings):
    """Redis's own clock, not ours: a short idle time, a real wait, and the opvolger is out."""
    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_IDLE_SESSION_SECONDS = 2
    sign_in(handler)
    assert signed_in(client)
    time.sleep(2.5)
    assert not signed_in(client)
