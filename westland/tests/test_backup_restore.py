"""docs/operations.md, "Backups": a ``pg_dump -Fc`` of a database with residents' contact
details, restored with ``pg_restore`` into a new database, reads back in a new process
that has the keys (FIELD_ENCRYPTION_KEYS), and is unreadable without them: the dump holds
ciphertext only. PostgreSQL only (pg_dump/pg_restore); skipped under SQLite locally,
never in CI."""

import shutil
import subprocess
from urllib.parse import quote

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from signals.tests.factories import SignalFactory
from westland.tests.deployment import own_database, postgres_url
from westland.tests.services import require
from westland.tests.test_deploy_settings import manage, production_env

READ = (
    "from signals.models import Signal; s = Signal.objects.get(number='{number}'); "
    "print(s.resident_name, '|', s.resident_phone, '|', s.note)"
)


def current_database_url() -> str:
    """The URL of the test database this process uses (pytest-django's, not DATABASE_URL's)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgresql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run(*command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603 - pg tools, our arguments
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.django_db(transaction=True)  # committed, so that pg_dump sees it
def test_a_restored_dump_reads_back_with_the_keys_and_not_without(tmp_path):
    require(postgres_url() and connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require(shutil.which("pg_dump") and shutil.which("pg_restore"), "pg_dump and pg_restore (postgresql-client)")
    signal = SignalFactory(resident_name="Jannie Zwinkels", resident_phone="0174 555 123")
    dump = tmp_path / "westland.dump"

    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", current_database_url())
    with own_database("_restored", tmp_path) as restored:
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))

        # The restored rows hold ciphertext only.
        with psycopg.connect(restored) as db:
            row = db.execute(
                "SELECT resident_name, resident_phone, note FROM signals_signal WHERE number = %s", [signal.number]
            ).fetchone()
        assert all(value.startswith("gAAAA") for value in row)
        assert not any(plain in " ".join(row) for plain in ("Jannie", "Zwinkels", "555 123", "niemand"))

        # A new server with the keys reads the resident's details back …
        keys = ",".join(settings.FIELD_ENCRYPTION_KEYS)
        with_keys = manage(
            production_env(tmp_path, DATABASE_URL=restored, FIELD_ENCRYPTION_KEYS=keys),
            "shell",
            "-c",
            READ.format(number=signal.number),
        )
        assert with_keys.returncode == 0, with_keys.stderr
        assert "Jannie Zwinkels | 0174 555 123 | Mevrouw komt elke dag" in with_keys.stdout

        # … and one with another key reads nothing.
        other_key = Fernet.generate_key().decode()
        without = manage(
            production_env(tmp_path, DATABASE_URL=restored, FIELD_ENCRYPTION_KEYS=other_key),
            "shell",
            "-c",
            READ.format(number=signal.number),
        )
        assert without.returncode != 0
        assert "InvalidToken" in without.stderr
        assert "Jannie" not in without.stdout + without.stderr
