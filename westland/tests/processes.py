"""Real Celery processes a test starts on its own test database, and stops again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The URL of the test's database (PostgreSQL), for a process started by the test."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery(arguments: list[str], env: dict, log_name: str) -> subprocess.Popen:
    """``celery -A westland <arguments>`` in a process group of its own (``stop`` ends all of
    it, main process and pool); its output goes to /tmp/westland-<log_name>.log."""
    command = [sys.executable, "-m", "celery", "-A", "westland", *arguments]
    log = open(f"/tmp/westland-{log_name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen, sig: str) -> None:
    if process.poll() is None:
        os.killpg(process.pid, getattr(signal, sig))
    process.wait(30)


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
