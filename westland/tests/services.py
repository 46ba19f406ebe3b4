"""Tests that need a real service (PostgreSQL, Redis, a browser, GNU gettext) skip on a
developer's machine without it, and fail in CI (``CI`` set), where a skip would hide that
the test did not run."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HAS_REDIS = bool(os.environ.get("REDIS_URL"))


def require(condition, what):
    """Skip without ``what`` locally; fail in CI."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run this test with {what}")
        pytest.skip(f"needs {what}")


# As a marker, where the condition is known at import: in CI the test runs (and fails
# without Redis), elsewhere it is skipped with the reason.
redis_only = pytest.mark.skipif(not HAS_REDIS and not IN_CI, reason="needs REDIS_URL (Redis)")
