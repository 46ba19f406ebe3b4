"""allauth's rate limits (settings.ACCOUNT_RATE_LIMITS) refuse the attempt after the allowed
number, in Dutch. The counters live in the Django cache: Redis whenever REDIS_URL is set (CI
and production), so every web process shares them; the last test reads them from Redis."""

import re

import pytest
from django.conf import settings

from coalition.tests.factories import PASSWORD, UserFactory
from westland.tests.services import redis_only

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SIGNUP = "/accounts/signup/"


def allowed(rate):
    """The first number of an allauth rate such as '5/5m/key'."""
    return int(rate.split("/")[0])


def rate_for(action, per):
    rates = settings.ACCOUNT_RATE_LIMITS[action].split(",")
    return next(rate for rate in rates if rate.endswith(per) or (per == "ip" and rate.count("/") == 1))


def test_the_sixth_failed_login_for_one_address_is_refused_even_with_the_right_password(client):
    user = UserFactory()
    limit = allowed(rate_for("login_failed", "key"))
    assert limit == 5
    for _attempt in range(limit):
        response = client.post(LOGIN, {"login": user.email, "password": "fout-wachtwoord-2028"})
        assert response.status_code == 200
        assert "Te veel inlogpogingen" not in response.content.decode()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Te veel inlogpogingen. Probeer het later nogmaals." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address from the same machine is not blocked by this one's counter.
    other = UserFactory()
    assert client.post(LOGIN, {"login": other.email, "password": PASSWORD}).status_code == 302


def test_login_posts_past_the_limit_per_ip_get_a_dutch_429_page(client):
    limit = allowed(rate_for("login", "ip"))
    for _attempt in range(limit):
        # An incomplete form: no password is checked, only the attempt is counted.
        assert client.post(LOGIN, {"login": "", "password": ""}).status_code == 200
    response = client.post(LOGIN, {"login": "", "password": ""})
    assert response.status_code == 429
    text = response.content.decode()
    assert "Te veel pogingen" in text
    assert '<html lang="nl">' in text
    assert len(re.findall(r"<h1[\s>]", text)) == 1
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_signups_past_the_limit_per_ip_get_a_dutch_429_page(client):
    limit = allowed(rate_for("signup", "ip"))
    assert limit == 10
    for attempt in range(limit):
        response = client.post(SIGNUP, {"email": f"nieuw{attempt}@voorbeeld.nl", "password1": "kort", "password2": "x"})
        assert response.status_code == 200
    response = client.post(SIGNUP, {"email": "nog.een@voorbeeld.nl", "password1": "kort", "password2": "x"})
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    # Reading the form is never limited.
    assert client.get(SIGNUP).status_code == 200


@redis_only  # the counters are in Redis only then
def test_the_counters_live_in_redis(client):
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "common.cache.ResilientRedisCache"
    connection = redis.Redis.from_url(settings.REDIS_URL)
    pattern = f"{settings.CACHES['default']['KEY_PREFIX']}:*allauth:rl:allauth.account:signup:*"
    assert not connection.keys(pattern)
    client.post(SIGNUP, {"email": "teller@voorbeeld.nl", "password1": "kort", "password2": "x"})
    assert connection.keys(pattern), "the signup counter is not in Redis, so other web processes would not see it"


def test_a_made_up_forwarded_address_does_not_dodge_the_sign_in_limit(client):
    # Found by a probe: with a proxy trusted by default, every new X-Forwarded-For value
    # was a new address to the limit. No proxy is declared by default (TRUSTED_PROXY_COUNT).
    limit = allowed(rate_for("login", "ip"))
    for attempt in range(limit):
        response = client.post(LOGIN, {"login": "", "password": ""}, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt % 250}")
        assert response.status_code == 200
    assert client.post(LOGIN, {"login": "", "password": ""}, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_behind_a_declared_proxy_the_limit_counts_each_client_of_it(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limit = allowed(rate_for("login", "ip"))
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _attempt in range(limit):
        assert (
            client.post(LOGIN, {"login": "", "password": ""}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code
            == 200
        )
    assert (
        client.post(LOGIN, {"login": "", "password": ""}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code
        == 429
    )
    # Another resident behind the same load balancer still signs in.
    assert (
        client.post(LOGIN, {"login": "", "password": ""}, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code
        == 200
    )


def test_failing_on_purpose_elsewhere_does_not_lock_a_person_out(client):
    # Found by a probe: five failures for an account, from anywhere, locked its owner out.
    user = UserFactory()
    for _attempt in range(allowed(rate_for("login_failed", "key"))):
        client.post(LOGIN, {"login": user.email, "password": "fout-wachtwoord-2028"}, REMOTE_ADDR="203.0.113.9")
    locked = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert "Te veel inlogpogingen" in locked.content.decode()  # the guessing address stays refused
    owner = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.20")
    assert owner.status_code == 302 and "_auth_user_id" in client.session


def test_the_admin_password_change_is_allauths_rate_limited_one(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"
