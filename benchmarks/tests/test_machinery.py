"""The benchmark's own machinery at a tiny size: the generator makes consistent data, every
page answers as the benchmark expects, and the query counts do not grow with the data.

``make bench`` itself is not run in CI (it takes minutes); this proves that it would work.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import bar, databases
from benchmarks import run as bench
from westland.tests.services import require


@pytest.fixture
def bench_settings(settings):
    settings.ROOT_URLCONF = "benchmarks.urls"
    # As in production: the opvolger and the officer pass the MFA check with their TOTP.
    settings.PORTAL_ENFORCE_MFA = True
    return settings


@pytest.mark.django_db
def test_the_benchmark_runs_at_a_tiny_size(bench_settings):
    # The benchmark generates its data with PostgreSQL's COPY.
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    results = bench.run(scale=0.01, repetitions=2, log=lambda message: None)

    small, large = results["sizes"]["1x"], results["sizes"]["10x"]
    assert large["rows"]["signals_signal"] >= 10 * 100
    assert large["rows"]["coalition_initiative"] == 10 * small["rows"]["coalition_initiative"]
    for name, page in large["pages"].items():
        for mode, timing in page.items():
            assert timing["queries"] == small["pages"][name][mode]["queries"], (name, mode)
            assert timing["median_ms"] > 0
    # A warm dashboard is served from the cache: fewer queries than a cold one.
    assert small["pages"]["dashboard"]["warm"]["queries"] < small["pages"]["dashboard"]["cold"]["queries"]
    assert small["floors"]["dashboard"]["queries"] > 0
    assert small["imports"]["import_survey"]["responses_per_second"] > 0
    assert small["imports"]["reach_import"]["rows"] == 100
    lines = bar.table(results).splitlines()
    assert any(line.startswith("dashboard ") for line in lines)
    assert any(line.startswith("own time: dashboard") for line in lines)
    assert bar.summary_line(results["verdict"]).startswith(("PASS", "FAIL"))
    json.dumps(results)


def test_the_benchmark_databases_are_its_own():
    url, name = databases.bench_database_url("postgres://postgres@127.0.0.1:5432/westland", "_bench_10x")
    assert name == "westland_bench_10x"
    assert url == "postgres://postgres@127.0.0.1:5432/westland_bench_10x"


@pytest.mark.django_db
def test_the_raw_sql_floor_is_the_dashboards_own_sql():
    """The floor runs exactly the statements the dashboard's aggregates send, so it
    follows every change to them: signals by source, the consent count over staff
    reports only, misuse left out of the figures but not out of the outcomes."""
    from django.core.cache import cache

    from benchmarks.measure import dashboard_statements
    from monitoring.dashboard import assembly
    from monitoring.selectors import Filters
    from signals.constants import MISUSE, Source

    statements = dashboard_statements(Filters.default())
    with CaptureQueriesContext(connection) as captured:
        cache.clear()
        assembly.dashboard(Filters.default())
    assert statements == [query["sql"] for query in captured]
    signal_queries = [sql for sql in statements if 'FROM "signals_signal"' in sql and "signals_referral" not in sql]
    assert any(sql.startswith('SELECT "signals_signal"."source" AS "source"') for sql in signal_queries)
    consent = next(sql for sql in signal_queries if '"consent"' in sql)
    assert f'"signals_signal"."source" = \'{Source.PARTNER_STAFF}\'' in consent
    outcomes = next(
        sql for sql in signal_queries if sql.startswith('SELECT "signals_signal"."outcome_id" AS "outcome"')
    )
    assert MISUSE not in outcomes
    assert len(signal_queries) == 7
    assert all(MISUSE in sql for sql in signal_queries if sql is not outcomes)
