"""`make run` leaves a checkout in which manage.py works and e-mail links follow PORT."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

MAKEFILE = Path(settings.BASE_DIR) / "Makefile"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def make(cwd, *args):
    return subprocess.run(["make", "-f", str(MAKEFILE), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_make_run_writes_a_development_env_once_and_never_over_yours(tmp_path):
    assert make(tmp_path, ".env").returncode == 0
    assert "DEBUG=true" in (tmp_path / ".env").read_text().splitlines()

    (tmp_path / ".env").write_text("DEBUG=false\nSECRET_KEY=mine\n")
    assert make(tmp_path, ".env").returncode == 0
    assert (tmp_path / ".env").read_text() == "DEBUG=false\nSECRET_KEY=mine\n"


def test_links_in_e_mails_follow_the_port_of_make_run():
    dry_run = make(settings.BASE_DIR, "--dry-run", "--always-make", "run", "PORT=18811")
    runserver = next(line for line in dry_run.stdout.splitlines() if "runserver" in line)
    assert "http://127.0.0.1:18811" in runserver and "runserver 127.0.0.1:18811" in runserver
