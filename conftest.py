"""Project-wide test fixtures: a clean cache per test and Playwright on Debian's Chromium."""

import os
import shutil

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from westland.tests.services import IN_CI

# Property tests (test_bad_input.py) try the same examples on every run, locally and in
# CI, so a test run gives the same answer twice. Exploring fresh inputs is a separate,
# deliberate run: `make fuzz` (--hypothesis-profile=fuzz and a new --hypothesis-seed per
# round, see scripts/fuzz.sh). Every input it finds that the portal mishandled is fixed
# and pinned with @example on its test.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile("repeatable")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def load_reference_data():
    """Load the reference data again, the way the data migrations do (idempotent)."""
    import importlib

    from django.apps import apps

    for module in (
        "coalition.migrations.0002_reference_data",
        "monitoring.migrations.0002_reference_data",
        "signals.migrations.0002_reference_data",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test starts from a flushed database: put the reference data back."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        load_reference_data()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the portal's default language (Dutch), as a new process does.

    A request in English (the language cookie) leaves English active in the thread after
    it; a test that ran after such a test in the same process saw English messages. With
    the suite spread over workers the order changes, so no test may depend on it.
    """
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


def _chromium_available():
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def _flushes_database(item):
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or any(
        name in fixtures for name in ("transactional_db", "live_server")
    )


def pytest_collection_modifyitems(config, items):
    """Tests that flush the database run last; outside CI a browser test is skipped without Chromium.

    A transactional test (live_server, browser tests) ends with a flush that also removes
    the reference data loaded by migrations (domains, kernen). pytest-django runs such
    tests before the ones whose database use it cannot see (fixtures fetched with
    request.getfixturevalue), so move them to the end; the sort is stable.

    In CI a missing browser is a failure: the tests run and fail to launch it.
    """
    items.sort(key=_flushes_database)
    if _chromium_available() or IN_CI:
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: drive Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}


# One user per role (docs/design.md, "Users and roles").


@pytest.fixture
def staff_member(db):
    from coalition.constants import Role
    from coalition.tests.factories import MembershipFactory

    return MembershipFactory(role=Role.STAFF).user


@pytest.fixture
def coordinator(db):
    from coalition.constants import Role
    from coalition.tests.factories import MembershipFactory

    return MembershipFactory(role=Role.COORDINATOR).user


@pytest.fixture
def handler(db):
    from coalition.constants import Role
    from coalition.tests.factories import MembershipFactory

    return MembershipFactory(role=Role.HANDLER, organisation__is_signal_handler=True).user


@pytest.fixture
def officer(db):
    from coalition.tests.factories import UserFactory

    return UserFactory(is_officer=True)


@pytest.fixture
def administrator(db):
    from coalition.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def sign_in(client):
    """Sign in through allauth's login form, as a person would (records the authentication)."""
    from coalition.tests.factories import PASSWORD

    def _sign_in(user, password=PASSWORD):
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content[:500]
        return response

    return _sign_in


# Accessibility checks for browser tests (axe-core through Playwright).

AXE_BLOCKING_IMPACTS = ("serious", "critical")


def _format_axe_violations(violations):
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])]
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """Check the page open in Playwright: no serious or critical axe violation, exactly one <h1>.

    Usage: ``assert_accessible(page)``; pass ``single_h1=False`` for a page that is
    allowed to have no or several top-level headings.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _assert_accessible(page, *, single_h1=True):
        violations = [
            violation
            for violation in axe.run(page).response["violations"]
            if violation.get("impact") in AXE_BLOCKING_IMPACTS
        ]
        report = _format_axe_violations(violations)
        assert not violations, f"axe found accessibility violations on {page.url}:\n{report}"
        if single_h1:
            h1_count = page.locator("h1").count()
            assert h1_count == 1, f"{page.url} has {h1_count} <h1> elements, expected exactly one"

    return _assert_accessible


@pytest.fixture
def celery_eager():
    """Run Celery tasks in the test process (they are queued on commit).

    With REDIS_URL set (CI) tasks would otherwise go to a broker no worker reads in
    this test; the worker itself is tested with real processes elsewhere.
    """
    from westland.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
