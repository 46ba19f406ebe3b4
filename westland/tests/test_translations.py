"""The Dutch catalogue is complete, compiled, and covers every string in the source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

from westland.tests.services import require

BASE_DIR = Path(__file__).resolve().parents[2]
PO = BASE_DIR / "locale/nl/LC_MESSAGES/django.po"
MO = BASE_DIR / "locale/nl/LC_MESSAGES/django.mo"
SOURCES = ["manage.py", "common", "westland", "coalition", "signals", "monitoring", "templates", "locale"]


def test_every_string_has_a_dutch_translation():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (check and confirm): {fuzzy}"


def test_compiled_catalogue_matches_the_po_file():
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO)) if e.msgid}
    assert po == mo, "run `make messages` (or compile the catalogue) and commit django.mo"


def test_catalogue_covers_every_marked_string_in_the_source(tmp_path):
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext; .ci/run installs it)")
    for name in SOURCES:
        source = BASE_DIR / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy(source, target)
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "westland.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / "locale/nl/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    assert extracted - committed == set(), "strings missing from the catalogue: run `make messages` and translate"
