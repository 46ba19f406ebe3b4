"""The project's migrations stand on their own.

A migration must do the same thing on every database it will ever run on, so it may not
import the application's live code (constants, services, routing, scoring …) that is
changed later: its data is written out in the migration, its models come from
``apps.get_model``. What Django itself writes into a migration to describe the model
state stays allowed: custom field classes (``signals.fields.EncryptedTextField``), the
callables used as field defaults and managers with ``use_in_migrations``.
"""

import ast
import importlib
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.db.migrations import RunPython
from django.db.models.manager import BaseManager

import conftest

BASE_DIR = Path(settings.BASE_DIR).resolve()
# Libraries a migration may use besides Django and the standard library: pinned, with an
# API that does not change under the migration (the encryption of stored secrets).
MIGRATION_LIBRARIES = {"django", "cryptography"}


def _is_project_package(top):
    """A top-level package of this repository (coalition, signals, westland, a later common …)."""
    if top in sys.stdlib_module_names or top == "django":
        return False
    spec = importlib.util.find_spec(top)
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    return bool(origin and origin.is_relative_to(BASE_DIR) and ".venv" not in origin.relative_to(BASE_DIR).parts)


def _project_app_configs():
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == BASE_DIR]


def _migration_files():
    files = []
    for config in _project_app_configs():
        folder = Path(config.path) / "migrations"
        files += sorted(path for path in folder.glob("*.py") if path.name != "__init__.py")
    return files


MIGRATION_FILES = _migration_files()


def _dotted(node):
    """``a.b.c`` for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _callable_defaults():
    defaults = set()
    for config in _project_app_configs():
        for model in config.get_models():
            for field in model._meta.local_fields:
                if callable(field.default):
                    defaults.add(field.default)
    return defaults


def _is_model_state(obj, defaults):
    """What Django's migration writer puts in a migration for the models' state."""
    if isinstance(obj, type) and issubclass(obj, models.Field):
        return True
    if isinstance(obj, type) and issubclass(obj, BaseManager) and getattr(obj, "use_in_migrations", False):
        return True
    return obj in defaults


def _application_code_in(path):
    """The imports and references in one migration file that reach the application's code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems, project_modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            top = module.split(".")[0]
            if node.level or _is_project_package(top):
                problems.append(f"line {node.lineno}: from {'.' * node.level}{module} import …")
            elif top not in MIGRATION_LIBRARIES and top not in sys.stdlib_module_names:
                problems.append(f"line {node.lineno}: from {module} import … (not Django or the standard library)")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if _is_project_package(top):
                    if alias.asname:
                        problems.append(f"line {node.lineno}: import {alias.name} as {alias.asname}")
                    project_modules.add(alias.name)
                elif top not in MIGRATION_LIBRARIES and top not in sys.stdlib_module_names:
                    problems.append(f"line {node.lineno}: import {alias.name} (not Django or the standard library)")
        elif isinstance(node, ast.Call) and _dotted(node.func) in ("__import__", "importlib.import_module"):
            problems.append(f"line {node.lineno}: imports a module at run time")

    # Every use of an imported project module must be ``module.name`` for something Django
    # writes for the model state; getattr(module, …) or the bare module is not.
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    tops = {module.split(".")[0] for module in project_modules}
    defaults = _callable_defaults()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id not in tops:
            continue
        chain = node
        while isinstance(parents.get(chain), ast.Attribute):
            chain = parents[chain]
        dotted = _dotted(chain)
        owner, _dot, name = dotted.rpartition(".")
        if owner not in project_modules:
            problems.append(f"line {node.lineno}: uses {dotted} other than to name a field class or default")
        elif not _is_model_state(getattr(importlib.import_module(owner), name, None), defaults):
            problems.append(
                f"line {node.lineno}: {dotted} is neither a field class, a migration manager nor a field default"
            )
    return problems


def test_every_project_app_has_migrations():
    apps_with_migrations = {path.parent.parent.name for path in MIGRATION_FILES}
    assert apps_with_migrations == {"common", "coalition", "signals", "monitoring"}


@pytest.mark.parametrize("path", MIGRATION_FILES, ids=lambda path: f"{path.parent.parent.name}/{path.stem}")
def test_no_migration_imports_application_code(path):
    assert _application_code_in(path) == []


def test_the_import_check_catches_application_code(tmp_path):
    """The check above must fail on what the old history did (signals 0007 imported the routing)."""
    migration = tmp_path / "0099_fill.py"
    migration.write_text(
        "import datetime\n"
        "import holidays\n"
        "import signals.fields\n"
        "import signals.routing\n"
        "from django.db import migrations\n"
        "from signals.routing import working_days_between\n"
        "from coalition import constants\n"
        "from .helpers import fill\n"
        "FIELD = signals.fields.EncryptedTextField\n"
        "DAYS = signals.routing.working_days_between\n"
        "CIPHER = signals.fields.fernet\n"
        "COUNT = getattr(signals.routing, 'working_days_between')\n",
        encoding="utf-8",
    )
    problems = "\n".join(_application_code_in(migration))
    assert "import holidays" in problems
    assert "from signals.routing import" in problems
    assert "from coalition import" in problems
    assert "from .helpers import" in problems
    assert "signals.routing.working_days_between is neither" in problems
    assert "signals.fields.fernet is neither" in problems
    assert "uses signals.routing other than" in problems
    assert "EncryptedTextField" not in problems and "datetime" not in problems


def test_conftest_reloads_the_data_migrations_that_exist():
    """conftest.load_reference_data names migration modules: each exists and its migration runs its load."""
    source = Path(conftest.__file__).read_text(encoding="utf-8")
    named = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ".migrations.0" in node.value
    ]
    assert sorted(named) == [
        "coalition.migrations.0002_reference_data",
        "monitoring.migrations.0002_reference_data",
        "signals.migrations.0002_reference_data",
    ]
    for name in named:
        module = importlib.import_module(name)
        codes = [op.code for op in module.Migration.operations if isinstance(op, RunPython)]
        assert codes == [module.load], name


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """makemigrations --check on the database the suite runs on (SQLite and PostgreSQL in CI)."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(f"makemigrations found changes (exit {exit.code}):\n{out.getvalue()}")
