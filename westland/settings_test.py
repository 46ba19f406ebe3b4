"""Settings for the test suite (pytest.ini): the real settings, with what only tests need.

Everything else comes from ``westland.settings`` and the environment, exactly as in a
real run; the tests of the production settings themselves (test_deploy_settings.py)
start a process with ``westland.settings``, never this module.
"""

import os
import re
from urllib.parse import urlsplit

from .settings import *  # noqa: F403
from .settings import REDIS_URL

# Django's production hasher (PBKDF2, a million rounds) costs a fifth of a second per
# password on this kind of machine: every factory user and every sign-in paid it. A test
# never checks the hasher's strength, so every test uses the fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis database for one pytest-xdist worker.

    Tests empty the cache (FLUSHDB), so two workers must never share a database: the
    first worker (gw0, or a run without xdist) uses the database of REDIS_URL, worker
    gwN (N >= 1) uses database 9 + N (10, 11, …), away from the 0–9 that developers and
    CI hand out. The mapping gives the same answer when applied twice, so a subprocess
    that reads these settings again (a Celery worker started by a test) agrees.
    """
    number = int(worker[2:]) if re.fullmatch(r"gw\d+", worker or "") else 0
    if not url or number == 0:
        return url
    if 9 + number > 15:
        raise ValueError(f"Redis has databases 0–15: too many xdist workers ({worker})")
    return urlsplit(url)._replace(path=f"/{9 + number}").geturl()


REDIS_URL = worker_redis_url(REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
if REDIS_URL:
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL
