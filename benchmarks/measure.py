"""Server time and SQL queries per page, through Django's whole handler stack.

Requests go through django.test.Client (every middleware, the real session in the
configured store, CSRF checks on), signed in as the role each page is for. The
opvolger and the officer have a TOTP authenticator, so the MFA middleware runs its check
and lets them through, as in production.

- cold: the cache is emptied before the request (sessions are put back, so the user
  stays signed in: what is measured is the page's data, not a new sign-in);
- warm: the same request again, with what the cold one left in the cache.

Query counts are taken in separate requests (CaptureQueriesContext switches on query
logging, which costs time of its own).
"""

from __future__ import annotations

import secrets
import statistics
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .urls import TRIVIAL_PATH


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    queries: int

    @classmethod
    def of(cls, seconds: list[float], queries: int) -> Timing:
        ms = [s * 1000 for s in seconds]
        return cls(round(statistics.median(ms), 2), round(percentile(ms, 0.95), 2), queries)


@dataclass
class Page:
    name: str
    role: str  # which client: anonymous, handler, officer, staff
    path: str
    params: dict = field(default_factory=dict)
    method: str = "get"
    expect: int = 200
    cached: bool = True  # measure cold and warm (False: one mode, "cold" only)


class Size:
    """One data set: its database connection and its cache, made current by ``activate``.

    With two sizes in two databases, requests to both can alternate, so that whatever else
    the machine is doing slows both alike and the 10×/1× ratios stay meaningful."""

    def __init__(self, label: str, database=None, cache_backend=None):
        self.label = label
        self.database = database  # a DatabaseWrapper; None: the configured default
        self.cache = cache_backend  # a cache backend; None: the configured default

    def activate(self):
        from django.core.cache import caches
        from django.db import connections

        if self.database is not None:
            connections["default"] = self.database
        if self.cache is not None:
            caches["default"] = self.cache
        connection.ensure_connection()


class Sessions:
    """Signed-in clients of the active size, one per role."""

    def __init__(self):
        from coalition.models import Membership, User

        self.clients = {"anonymous": Client(enforce_csrf_checks=True)}
        handler = User.objects.get(email="opvolger0@bench.example")
        officer = User.objects.get(email="beleid@bench.example")
        staff = (
            Membership.objects.filter(role="medewerker", organisation__status="goedgekeurd").order_by("pk").first().user
        )
        for role, user in (("handler", handler), ("officer", officer), ("staff", staff)):
            client = Client(enforce_csrf_checks=True)
            client.force_login(user)
            self.clients[role] = client
        self.saved = []
        # Sessions kept in the cache (cache or cached_db) are put back after every emptying,
        # so that a cold page measures the page, not a session read from the database.
        prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
        if prefix:
            for client in self.clients.values():
                session = client.session
                if session.session_key:
                    self.saved.append((prefix + session.session_key, dict(session.items())))
        response = self.clients["staff"].get("/signalen/nieuw/")
        assert response.status_code == 200, response.status_code
        self.csrf = self.clients["staff"].cookies[settings.CSRF_COOKIE_NAME].value

    def restore(self):
        for key, data in self.saved:
            cache.set(key, data, settings.SESSION_COOKIE_AGE)


class Bench:
    """Measures pages on one or more sizes, alternating between them request by request."""

    def __init__(self, sizes: list[Size], repetitions: int = 30, warmup: int = 2):
        self.sizes = sizes
        self.repetitions = repetitions
        self.warmup = warmup
        self.sessions = {}
        for size in sizes:
            size.activate()
            self.sessions[size.label] = Sessions()
        self.current = None

    def use(self, size: Size):
        size.activate()
        self.current = size

    def clear_cache(self):
        """Empty the cache (every size's), then put the sessions back: the users stay signed
        in, and what is measured is the page's data, not a new sign-in."""
        for size in self.sizes:  # first every cache (with Redis: the one database they share) …
            size.activate()
            cache.clear()
        for size in self.sizes:  # … then every size's sessions
            size.activate()
            self.sessions[size.label].restore()
        self.current.activate()

    def _request(self, page: Page):
        sessions = self.sessions[self.current.label]
        client = sessions.clients[page.role]
        if page.method == "post":
            data = {**page.params, "submission_token": secrets.token_urlsafe(24), "csrfmiddlewaretoken": sessions.csrf}
            response = client.post(page.path, data)
        else:
            response = client.get(page.path, page.params)
        if response.status_code != page.expect:
            raise AssertionError(f"{page.name}: {page.path} answered {response.status_code}, not {page.expect}")
        return response

    def _timed(self, page: Page) -> float:
        start = time.perf_counter()
        self._request(page)
        return time.perf_counter() - start

    def count_queries(self, page: Page, *, cold: bool) -> int:
        if cold:
            self.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            self._request(page)
        return len(captured)

    def measure(self, page: Page) -> dict[str, dict]:
        """{size label: {"cold": timing, "warm": timing}}, sizes taking turns (their
        order swapped every round)."""
        cold = {size.label: [] for size in self.sizes}
        warm = {size.label: [] for size in self.sizes}
        for size in self.sizes:
            self.use(size)
            for _n in range(self.warmup):
                self._request(page)
        for round_ in range(self.repetitions):
            for size in self.sizes if round_ % 2 == 0 else self.sizes[::-1]:
                self.use(size)
                self.clear_cache()
                cold[size.label].append(self._timed(page))
                if page.cached:
                    warm[size.label].append(self._timed(page))
        results = {}
        for size in self.sizes:
            self.use(size)
            result = {"cold": Timing.of(cold[size.label], self.count_queries(page, cold=True)).__dict__}
            if page.cached:
                self._request(page)
                result["warm"] = Timing.of(warm[size.label], self.count_queries(page, cold=False)).__dict__
            results[size.label] = result
        return results


def trivial_page() -> Page:
    # Signed in as the officer: the same middleware work as the dashboard's request.
    return Page("trivial view (floor)", "officer", TRIVIAL_PATH)


# The raw-SQL floor ----------------------------------------------------------------------


def dashboard_statements(filters) -> list[str]:
    """The SQL the dashboard's aggregates run, exactly as Django sent it (values inlined)."""
    from django.utils import translation

    from monitoring.dashboard import assembly

    cache.clear()  # a benchmark's sessions may go: this runs after the pages
    with translation.override(settings.LANGUAGE_CODE), CaptureQueriesContext(connection) as captured:
        assembly.dashboard(filters)
    return [query["sql"] for query in captured]


def raw_sql_floors(statements: dict[str, tuple[dict, list[str]]], repetitions: int) -> dict[str, dict]:
    """Run each size's statements (``{label: (settings_dict, statements)}``) through a plain
    psycopg connection, the sizes taking turns: the least any implementation of these
    aggregates must spend (no ORM, no Python around the rows but fetching them)."""
    import psycopg

    raws, timings = {}, {label: [] for label in statements}
    try:
        for label, (db, _sql) in statements.items():
            conninfo = psycopg.conninfo.make_conninfo(
                dbname=db["NAME"],
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                host=db.get("HOST") or None,
                port=str(db["PORT"]) if db.get("PORT") else None,
            )
            raws[label] = psycopg.connect(conninfo, autocommit=True)
        for round_ in range(repetitions + 2):
            labels = list(statements) if round_ % 2 == 0 else list(statements)[::-1]
            for label in labels:
                start = time.perf_counter()
                with raws[label].cursor() as cursor:
                    for sql in statements[label][1]:
                        cursor.execute(sql)
                        cursor.fetchall()
                if round_ >= 2:  # the first two warm the connection and the plans
                    timings[label].append(time.perf_counter() - start)
    finally:
        for raw in raws.values():
            raw.close()
    return {label: Timing.of(timings[label], len(statements[label][1])).__dict__ for label in statements}
