"""The import direction between the portal's packages is checked, not hoped for.

``make lint`` runs import-linter with the contracts in ``.importlinter``. These tests run
it on a scratch copy of the code, once as it is and once with the one import a layer must
never make (``coalition`` reaching up into ``monitoring``), so a contract that stopped
biting would show here.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["common", "coalition", "signals", "monitoring", "westland", "benchmarks"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture
def scratch_copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def lint_imports(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own virtualenv's linter on our own scratch copy
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=directory,
        env={**os.environ, "PYTHONPATH": str(directory)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_as_it_is_keeps_every_contract(scratch_copy):
    result = lint_imports(scratch_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_coalition_importing_monitoring_breaks_the_layers(scratch_copy):
    selectors = scratch_copy / "coalition" / "selectors.py"
    selectors.write_text(selectors.read_text() + "\nfrom monitoring import scoring  # noqa: E402, F401\n")

    result = lint_imports(scratch_copy)

    assert result.returncode != 0
    assert "coalition is not allowed to import monitoring" in result.stdout
    assert "coalition.selectors -> monitoring.scoring" in result.stdout


def test_the_shared_layer_importing_an_app_breaks_the_layers(scratch_copy):
    pagination = scratch_copy / "common" / "pagination.py"
    pagination.write_text(pagination.read_text() + "\nfrom coalition import constants  # noqa: E402, F401\n")

    result = lint_imports(scratch_copy)

    assert result.returncode != 0
    assert "common is not allowed to import coalition" in result.stdout
