"""Settings imported with production-like environment values pass Django's deploy checks,
and the responses carry the security headers a public-sector portal needs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]

HEADERS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/bestaat-niet/", secure=True, HTTP_HOST="eenzaamheid.westland.example")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])} for name, c in response.cookies.items()},
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "enforce_mfa": settings.PORTAL_ENFORCE_MFA,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "password_hasher": settings.PASSWORD_HASHERS[0],
    "idle_session_seconds": settings.PORTAL_IDLE_SESSION_SECONDS,
    "idle_timeout_on": "westland.middleware.IdleSessionTimeoutMiddleware" in settings.MIDDLEWARE,
    "mfa_on": "westland.middleware.EnforceMFAMiddleware" in settings.MIDDLEWARE,
}))
"""


def production_env(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "PORTAL_", "SECRET_KEY", "FIELD_ENCRYPTION", "REDIS", "DATABASE"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "westland.settings",
            "DEBUG": "false",
            "SECRET_KEY": Fernet.generate_key().decode() + Fernet.generate_key().decode(),
            "SITE_URL": "https://eenzaamheid.westland.example",
            "ALLOWED_HOSTS": "eenzaamheid.westland.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "TRUSTED_PROXY_COUNT": "1",  # behind the municipality's TLS-terminating load balancer
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "EMAIL_URL": "smtp+tls://mailer@smtp.westland.example:587",
            "STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


SIGNAALPUNT_SCRIPT = """
from coalition.constants import OrganisationStatus, Role
from coalition.models import Domain, Membership, Organisation, User
from signals.models import RoutingRule
point = Organisation.objects.create(name="Signaalpunt", domain=Domain.objects.first(),
    status=OrganisationStatus.APPROVED, is_signal_handler=True)
Membership.objects.create(organisation=point, role=Role.HANDLER, user=User.objects.create_user(email="o@x.example"))
RoutingRule.objects.create(organisation=point, is_default=True, position=0)
"""


def test_deploy_checks_fail_until_a_signal_would_reach_someone(tmp_path):
    env = production_env(tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0

    empty = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert empty.returncode != 0
    assert "portal.E001" in empty.stderr
    assert "no approved Signaalpunt" in empty.stderr and "no default route" in empty.stderr

    created = manage(env, "shell", "-c", SIGNAALPUNT_SCRIPT)
    assert created.returncode == 0, created.stderr
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_say_when_the_database_is_not_migrated(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy")
    assert result.returncode != 0
    assert "portal.E002" in result.stderr and "run migrate first" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "REDIS_URL"])
def test_refuses_to_start_without_secrets_when_debug_is_off(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = manage(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_https_without_a_declared_proxy_is_warned_about(tmp_path):
    result = manage(production_env(tmp_path, TRUSTED_PROXY_COUNT="0"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portal.W002" in result.stderr


def test_a_single_process_install_is_chosen_not_fallen_into(tmp_path):
    env = production_env(tmp_path, PORTAL_SINGLE_PROCESS="true")
    del env["REDIS_URL"]
    result = manage(env, "shell", "-c", "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"  # tasks run inside the request


def test_production_responses_carry_security_headers(tmp_path):
    env = production_env(tmp_path)
    collected = manage(env, "collectstatic", "--noinput", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["status"] == 404
    headers = report["headers"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    denied = dict(part.strip().split("=", 1) for part in headers["Permissions-Policy"].split(","))
    assert {denied[feature] for feature in ("camera", "microphone", "geolocation", "payment", "usb")} == {"()"}
    assert report["cookies"]["csrftoken"] == {"secure": True, "httponly": True}
    assert report["session_cookie_secure"] and report["session_cookie_httponly"]
    # Off by default only while DEBUG is on.
    assert report["enforce_mfa"] is True
    assert report["eager"] is False
    # Roles that may see personal data are signed out after 30 idle minutes (test_session_expiry.py).
    assert report["idle_timeout_on"] and report["idle_session_seconds"] == 1800
    assert report["mfa_on"]
    # Tests hash with MD5 (westland/settings_test.py); production keeps Django's strong default.
    assert report["password_hasher"] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def test_development_page_has_csp_and_frame_denial(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
