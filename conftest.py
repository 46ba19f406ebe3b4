"""Project-wide test fixtures: a clean cache per test and Playwright on Debian's Chromium."""

import os
import shutil

import pytest
from django.core.cache import cache

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


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


def _chromium_available():
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Outside CI a browser test is skipped, with the reason, when Chromium is missing.

    In CI a missing browser is a failure: the tests run and fail to launch it.
    """
    if _chromium_available() or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
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


# One user per role (DESIGN.md, "Users and roles").


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
