"""The benchmark's own databases, and the settings it runs Django with.

``make bench`` never touches the database DATABASE_URL names: it creates its own next
to it (``bench_database_url``), through the server's maintenance database.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(url: str, suffix: str) -> tuple[str, str]:
    """The URL and the name of the database ``<name><suffix>`` next to the one ``url`` names."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "westland"
    bench = f"{name}{suffix}"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def recreate_database(url: str, name: str, template: str | None = None):
    """Drop and create a benchmark database through the server's maintenance database."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(url: str, name: str):
    """Drop a benchmark database (through the maintenance database), if it is there."""
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(database_url: str):
    """Production-like settings (DEBUG off, MFA enforced) for a throw-away database."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
            "FIELD_ENCRYPTION_KEYS": "YmVuY2htYXJrLW9ubHkta2V5LWZvci13ZXN0bGFuZDc=",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "PORTAL_ENFORCE_MFA": "true",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "LOG_LEVEL": "WARNING",
            "CACHE_KEY_PREFIX": "westland-bench",
            # No collected static files are needed: only the HTML is measured.
            "STATIC_ROOT": tempfile.mkdtemp(prefix="westland-bench-static-"),
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "westland.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "benchmarks.urls"
