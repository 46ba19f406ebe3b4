"""The portal's benchmark: Westland today and at ten times its size (``make bench``).

Creates its own databases ``<name>_bench_1x`` and ``<name>_bench_10x`` next to the one
DATABASE_URL names (never touching that one): generates Westland (benchmarks/generate.py)
into the first, copies it into the second and adds nine more Westlands there. Then it
measures both, their requests taking turns (so that other work on the machine slows both
alike), and the imports on each. Prints a table, writes benchmarks/results.json and ends
with one line: PASS or FAIL against the bar of issue 7. The databases are dropped at the
end (``--keep`` keeps them); the Redis database of REDIS_URL is emptied.

    .venv/bin/python benchmarks/run.py [--repetitions 30] [--scale 1.0] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SIZES = (("1x", 1), ("10x", 10))
REACH_IMPORT_ROWS = 10_000

# The bar (issue 7).
MAX_GROWTH = 2.0  # a page's median at 10× over its median at 1×
MAX_COLD_OVER_FLOOR = 3.0  # the dashboard, cold, over its aggregates as raw SQL
MAX_WARM_OVER_TRIVIAL = 2.0  # the dashboard, warm, over the trivial view
MAX_FILING_MS = 50.0  # filing a signal at 10×


def bench_database_url(url: str, suffix: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "westland"
    bench = f"{name}{suffix}"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def recreate_database(url: str, name: str, template: str | None = None):
    """Drop and create a benchmark database through the server's maintenance database."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(url: str, name: str):
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(database_url: str):
    """Production-like settings (DEBUG off, MFA enforced) for a throw-away database."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
            "FIELD_ENCRYPTION_KEYS": "YmVuY2htYXJrLW9ubHkta2V5LWZvci13ZXN0bGFuZDc=",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "PORTAL_ENFORCE_MFA": "true",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "LOG_LEVEL": "WARNING",
            "CACHE_KEY_PREFIX": "westland-bench",
            # No collected static files are needed: only the HTML is measured.
            "STATIC_ROOT": tempfile.mkdtemp(prefix="westland-bench-static-"),
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "westland.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "benchmarks.urls"


def pages(fixture) -> list:
    from .measure import Page, trivial_page

    filtered_map = {"q": "koffie", "kern": fixture["kern_code"], "age_group": "ouderen", "referrals": "on"}
    every_filter = {
        "domain": fixture["domain_code"],
        "age_group": "ouderen",
        "kern": fixture["kern_code"],
        "demo": "on",
    }
    filing = {
        "age_group": fixture["age_group_id"],
        "kern": fixture["kern_id"],
        "signs": fixture["sign_ids"],
        "note": "Meneer zei dat hij sinds de verhuizing niemand meer spreekt.",
        "consent": "ja",
        "resident_name": "P. van Dijk",
        "resident_phone": "0174 654 321",
        "preferred_contact": "telefoon",
        "share_with_provider": "on",
    }
    return [
        trivial_page(),
        Page("social map", "anonymous", "/activiteiten/"),
        Page("social map, filtered", "anonymous", "/activiteiten/", filtered_map),
        Page("initiative page", "anonymous", f"/activiteiten/{fixture['initiative']}/"),
        Page("opvolger queue", "handler", "/signalen/behandelen/"),
        Page("signal page", "handler", f"/signalen/{fixture['signal']}/"),
        Page("dashboard", "officer", "/monitor/"),
        Page("dashboard, every filter", "officer", "/monitor/", every_filter),
        Page("/voortgang/", "anonymous", "/voortgang/"),
        Page("filing a signal (POST)", "staff", "/signalen/nieuw/", filing, method="post", expect=302, cached=False),
    ]


def choose_fixture() -> dict:
    """The rows the pages open, chosen once at 1× and kept at 10×."""
    from coalition.models import AgeGroup, Domain, Initiative, Kern
    from signals.models import ObservedSign, Signal

    kern = Kern.objects.get(code="naaldwijk")
    signal = (
        Signal.objects.filter(status="afgesloten", referrals__isnull=False, personal_data_erased_at__isnull=True)
        .order_by("pk")
        .first()
    ) or Signal.objects.filter(consent=True).order_by("pk").first()
    return {
        "initiative": Initiative.objects.published().order_by("pk").values_list("pk", flat=True)[3],
        "signal": signal.pk,
        "kern_code": kern.code,
        "kern_id": kern.pk,
        "domain_code": (Domain.objects.filter(code="zorg-en-welzijn").first() or Domain.objects.first()).code,
        "age_group_id": AgeGroup.objects.get(code="ouderen").pk,
        "sign_ids": list(ObservedSign.objects.order_by("position").values_list("pk", flat=True)[:2]),
    }


def measure_imports(label: str, responses: int, reach_rows: int) -> dict:
    """import_survey (responses per second), and reach reports through import-export
    against bulk_create of the same rows."""
    import tablib
    from django.core.management import call_command
    from django.db import transaction

    from coalition.models import Initiative, ReachReport, User
    from coalition.resources import ReachReportResource

    from .generate import SEED, survey_csv

    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as file:
        file.write(survey_csv(responses, seed=SEED + responses))
        path = file.name
    try:
        start = time.perf_counter()
        call_command("import_survey", path, year=2026, source=f"Benchmark-enquête {label} (fictief)", stdout=_Null())
        seconds = time.perf_counter() - start
    finally:
        os.unlink(path)
    results["import_survey"] = {
        "responses": responses,
        "seconds": round(seconds, 2),
        "responses_per_second": round(responses / seconds),
    }

    # Reach reports for future quarters, so that they are all new rows.
    initiatives = list(Initiative.objects.exclude(status="concept").order_by("pk").values_list("pk", flat=True))
    rows = []
    quarter_index = 0
    while len(rows) < reach_rows:
        year, quarter = 2040 + quarter_index // 4, quarter_index % 4 + 1
        for pk in initiatives:
            if len(rows) == reach_rows:
                break
            rows.append((pk, year, quarter, 20, 5, 3, 12))
        quarter_index += 1
    columns = ["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"]
    user = User.objects.get(email="beleid@bench.example")

    dataset = tablib.Dataset(*rows, headers=columns)
    start = time.perf_counter()
    outcome = ReachReportResource().import_data(dataset, dry_run=False, user=user)
    import_seconds = time.perf_counter() - start
    if outcome.has_errors() or outcome.has_validation_errors():
        raise AssertionError("the reach report import reported errors")
    ReachReport.objects.filter(year__gte=2040).delete()

    start = time.perf_counter()
    with transaction.atomic():
        ReachReport.objects.bulk_create(
            [
                ReachReport(
                    initiative_id=pk,
                    year=year,
                    quarter=quarter,
                    participants=participants,
                    new_participants=new,
                    volunteers=volunteers,
                    meetings=meetings,
                    reported_by=user,
                )
                for pk, year, quarter, participants, new, volunteers, meetings in rows
            ],
            batch_size=1000,
        )
    bulk_seconds = time.perf_counter() - start
    ReachReport.objects.filter(year__gte=2040).delete()
    results["reach_import"] = {
        "rows": reach_rows,
        "import_export_seconds": round(import_seconds, 2),
        "import_export_rows_per_second": round(reach_rows / import_seconds),
        "bulk_create_seconds": round(bulk_seconds, 3),
        "bulk_create_rows_per_second": round(reach_rows / bulk_seconds),
        "ratio": round(import_seconds / bulk_seconds, 1),
    }
    return results


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def measure_sizes(sizes: list, fixture: dict, repetitions: int, log) -> dict[str, dict]:
    """Every page, then the raw-SQL floors, on the sizes given (taking turns between them)."""
    from django.db import connection

    from coalition.models import AgeGroup, Domain, Kern
    from monitoring.selectors import Filters

    from .measure import Bench, dashboard_statements, raw_sql_floors

    bench = Bench(sizes, repetitions=repetitions)
    results = {size.label: {"pages": {}} for size in sizes}
    for page in pages(fixture):
        for label, result in bench.measure(page).items():
            results[label]["pages"][page.name] = result
            log(f"  {label} {page.name}: {result}")
    jobs = {}
    for name in ("dashboard", "dashboard, every filter"):
        jobs[name] = {}
        for size in sizes:
            size.activate()
            filters = Filters.default()
            if name != "dashboard":
                filters = Filters.default(
                    domain=Domain.objects.get(code=fixture["domain_code"]).pk,
                    age_group=AgeGroup.objects.get(code="ouderen").pk,
                    kern=Kern.objects.get(code=fixture["kern_code"]).pk,
                    include_demo=True,
                )
            jobs[name][size.label] = (connection.settings_dict, dashboard_statements(filters))
    for name, statements in jobs.items():
        for label, floor in raw_sql_floors(statements, repetitions).items():
            results[label].setdefault("floors", {})[name] = floor
    return results


def row_counts() -> dict:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in (
            "coalition_organisation",
            "coalition_initiative",
            "coalition_reachreport",
            "coalition_reachcount",
            "signals_signal",
            "signals_signalevent",
            "signals_referral",
            "monitoring_observation",
            "monitoring_surveyresponse",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # nosec B608 - our own table names
            counts[table] = cursor.fetchone()[0]
    return counts


def generate_size(chunks: range, scale: float):
    from . import generate

    for chunk in chunks:
        generate.generate_chunk(chunk, scale=scale)
        if chunk == 0:
            generate.finish_setup()
    generate.analyze()


def imports_for(label: str, scale: float, chunks: int) -> dict:
    from . import generate

    responses = max(50, round(generate.SURVEY_RESPONSES * scale * chunks))
    return measure_imports(label, responses, max(100, round(REACH_IMPORT_ROWS * scale)))


def run(*, scale: float, repetitions: int, log=print) -> dict:
    """Both sizes, one after the other, in the one configured (migrated) database: 1×,
    then nine more Westlands added. The test of the machinery runs this way."""
    from .measure import Size

    results = {"scale": scale, "repetitions": repetitions, "interleaved": False, "sizes": {}}
    made, fixture = 0, None
    for label, chunks in SIZES:
        start = time.perf_counter()
        generate_size(range(made, chunks), scale)
        made = chunks
        generated = time.perf_counter() - start
        fixture = fixture or choose_fixture()
        start = time.perf_counter()
        size = measure_sizes([Size(label)], fixture, repetitions, log)[label]
        size["imports"] = imports_for(label, scale, chunks)
        size["rows"] = row_counts()
        size["generation_seconds"] = round(generated, 1)
        size["measurement_seconds"] = round(time.perf_counter() - start, 1)
        results["sizes"][label] = size
    results["verdict"] = verdict(results)
    return results


def run_interleaved(*, scale: float, repetitions: int, url_10x: str, name_10x: str, log=print) -> dict:
    """``make bench``: the 1× database (configured) is generated, copied to a 10× database
    (CREATE DATABASE … TEMPLATE) that gets nine more Westlands, and then both are measured
    with their requests taking turns."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.db.utils import load_backend
    from django.utils.module_loading import import_string

    from .measure import Size

    results = {"scale": scale, "repetitions": repetitions, "interleaved": True, "sizes": {}}
    start = time.perf_counter()
    generate_size(range(0, 1), scale)
    generated_1x = time.perf_counter() - start
    log(f"1x: generated in {generated_1x:.1f} s: {row_counts()}")
    fixture = choose_fixture()
    connections.close_all()
    recreate_database(url_10x, name_10x, template=connections["default"].settings_dict["NAME"])

    small = Size("1x", connections["default"], caches["default"])
    database = {**connections["default"].settings_dict, "NAME": name_10x}
    cache_settings = settings.CACHES["default"]
    large = Size(
        "10x",
        load_backend(database["ENGINE"]).DatabaseWrapper(database, "default"),
        # Its own key prefix: the two sizes' cached pages and sessions never mix.
        import_string(cache_settings["BACKEND"])(
            cache_settings["LOCATION"], {**cache_settings, "KEY_PREFIX": cache_settings.get("KEY_PREFIX", "") + "-10x"}
        ),
    )
    start = time.perf_counter()
    large.activate()
    generate_size(range(1, 10), scale)
    generated_10x = time.perf_counter() - start
    log(f"10x: generated in {generated_10x:.1f} s: {row_counts()}")

    start = time.perf_counter()
    measured = measure_sizes([small, large], fixture, repetitions, log)
    log(f"pages measured in {time.perf_counter() - start:.1f} s")
    for size, chunks, generated in ((small, 1, generated_1x), (large, 10, generated_10x)):
        size.activate()
        start = time.perf_counter()
        measured[size.label]["imports"] = imports_for(size.label, scale, chunks)
        log(f"{size.label}: imports measured in {time.perf_counter() - start:.1f} s")
        measured[size.label]["rows"] = row_counts()
        measured[size.label]["generation_seconds"] = round(generated, 1)
        results["sizes"][size.label] = measured[size.label]
    small.activate()
    large.database.close()
    results["verdict"] = verdict(results)
    return results


# The bar -------------------------------------------------------------------------------


def verdict(results: dict) -> dict:
    small, large = results["sizes"]["1x"], results["sizes"]["10x"]
    failures, ratios = [], {}
    worst_growth = (0.0, "")
    for name, large_page in large["pages"].items():
        small_page = small["pages"][name]
        for mode, timing in large_page.items():
            before = small_page[mode]
            if timing["queries"] != before["queries"]:
                failures.append(f"{name} ({mode}): {before['queries']} queries at 1×, {timing['queries']} at 10×")
            growth = timing["median_ms"] / before["median_ms"]
            if growth > worst_growth[0]:
                worst_growth = (growth, f"{name} ({mode})")
            if growth > MAX_GROWTH:
                failures.append(f"{name} ({mode}): median {growth:.2f}× its 1× median")
    ratios["worst_growth"] = {"ratio": round(worst_growth[0], 2), "page": worst_growth[1]}
    for label, size in results["sizes"].items():
        trivial = size["pages"]["trivial view (floor)"]["cold"]["median_ms"]
        for name in ("dashboard", "dashboard, every filter"):
            cold = size["pages"][name]["cold"]["median_ms"] / size["floors"][name]["median_ms"]
            warm = size["pages"][name]["warm"]["median_ms"] / trivial
            ratios[f"{name} cold/floor {label}"] = round(cold, 2)
            ratios[f"{name} warm/trivial {label}"] = round(warm, 2)
            if cold > MAX_COLD_OVER_FLOOR:
                failures.append(f"{name} at {label}: cold {cold:.2f}× the raw-SQL floor")
            if warm > MAX_WARM_OVER_TRIVIAL:
                failures.append(f"{name} at {label}: warm {warm:.2f}× the trivial view")
    # The cold dashboard's two bars hold together only if its SQL grows at most 4× with
    # the data: cold ≤ 3·floor at 1× and cold(10×) ≤ 2·cold(1×) give floor(10×) ≤ 4·floor(1×)
    # (docs/adr/0006-performance-at-ten-times-westland.md, third round).
    ratios["floor growth"] = round(
        large["floors"]["dashboard"]["median_ms"] / small["floors"]["dashboard"]["median_ms"], 2
    )
    filing = large["pages"]["filing a signal (POST)"]["cold"]["median_ms"]
    trivial = large["pages"]["trivial view (floor)"]["cold"]["median_ms"]
    ratios["filing_ms_10x"] = filing
    ratios["filing/trivial 10x"] = round(filing / trivial, 2)
    if filing >= MAX_FILING_MS:
        failures.append(f"filing a signal at 10×: median {filing} ms")
    return {"pass": not failures, "failures": failures, "ratios": ratios}


def table(results: dict) -> str:
    small, large = results["sizes"]["1x"], results["sizes"]["10x"]
    header = (
        f"{'page':<26} {'mode':<5} | {'1× median':>9} {'p95':>7} {'SQL':>4} | "
        f"{'10× median':>10} {'p95':>7} {'SQL':>4} | {'10×/1×':>6}"
    )
    lines = [header, "-" * len(header)]
    for name, large_page in large["pages"].items():
        for mode, timing in large_page.items():
            before = small["pages"][name][mode]
            lines.append(
                f"{name:<26} {mode:<5} | {before['median_ms']:>9.2f} {before['p95_ms']:>7.2f} {before['queries']:>4} | "
                f"{timing['median_ms']:>10.2f} {timing['p95_ms']:>7.2f} {timing['queries']:>4} | "
                f"{timing['median_ms'] / before['median_ms']:>6.2f}"
            )
    for name, floor in large["floors"].items():
        before = small["floors"][name]
        label = "raw SQL: " + name.replace("dashboard, ", "")
        lines.append(
            f"{label:<26} {'':<5} | {before['median_ms']:>9.2f} {before['p95_ms']:>7.2f} "
            f"{before['queries']:>4} | {floor['median_ms']:>10.2f} {floor['p95_ms']:>7.2f} {floor['queries']:>4} | "
            f"{floor['median_ms'] / before['median_ms']:>6.2f}"
        )
    # What a cold dashboard spends besides its SQL (middleware, ORM, figures, templates):
    # work that depends on the number of domains, villages and months, not on the rows.
    for name in ("dashboard", "dashboard, every filter"):
        own = [
            results["sizes"][label]["pages"][name]["cold"]["median_ms"]
            - results["sizes"][label]["floors"][name]["median_ms"]
            for label in ("1x", "10x")
        ]
        label = "own time: " + name.replace("dashboard, ", "")
        blank = f"{'':>7} {'':>4}"
        lines.append(
            f"{label:<26} {'cold':<5} | {own[0]:>9.2f} {blank} | {own[1]:>10.2f} {blank} | {own[1] / own[0]:>6.2f}"
        )
    lines.append("")
    for label, size in results["sizes"].items():
        imports = size.get("imports")
        if not imports:
            continue
        survey, reach = imports["import_survey"], imports["reach_import"]
        lines.append(
            f"{label}: import_survey {survey['responses']} responses in {survey['seconds']} s "
            f"({survey['responses_per_second']}/s); reach reports {reach['rows']} rows: import-export "
            f"{reach['import_export_seconds']} s ({reach['import_export_rows_per_second']}/s), bulk_create "
            f"{reach['bulk_create_seconds']} s ({reach['bulk_create_rows_per_second']}/s), {reach['ratio']}× slower"
        )
    return "\n".join(lines)


def summary_line(verdict_: dict) -> str:
    r = verdict_["ratios"]
    parts = [
        f"worst 10×/1× median {r['worst_growth']['ratio']} ({r['worst_growth']['page']}) ≤ {MAX_GROWTH}",
        "dashboard cold/floor "
        + ", ".join(f"{r[f'dashboard cold/floor {s}']}" + f" ({s})" for s in ("1x", "10x"))
        + f" ≤ {MAX_COLD_OVER_FLOOR}",
        "filtered " + ", ".join(f"{r[f'dashboard, every filter cold/floor {s}']}" + f" ({s})" for s in ("1x", "10x")),
        "dashboard warm/trivial "
        + ", ".join(f"{r[f'dashboard warm/trivial {s}']}" + f" ({s})" for s in ("1x", "10x"))
        + f" ≤ {MAX_WARM_OVER_TRIVIAL}",
        "filtered " + ", ".join(f"{r[f'dashboard, every filter warm/trivial {s}']}" + f" ({s})" for s in ("1x", "10x")),
        f"filing at 10× {r['filing_ms_10x']} ms < {MAX_FILING_MS:.0f} ms ({r['filing/trivial 10x']}× trivial)",
        f"raw SQL 10×/1× {r['floor growth']} (the two cold-dashboard bars together need ≤ 4)",
    ]
    verdict_word = "PASS" if verdict_["pass"] else "FAIL"
    return f"{verdict_word}: " + "; ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=30, help="requests per page and mode (at least 30)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of one Westland (1.0: the real size)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/westland")
    if not source.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL to postgres://…")
    if not os.environ.get("REDIS_URL"):
        parser.error("the benchmark runs against Redis, as production does: set REDIS_URL (it empties that database)")
    url, name = bench_database_url(source, "_bench_1x")
    url_10x, name_10x = bench_database_url(source, "_bench_10x")
    recreate_database(url, name)
    configure(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    log = lambda message: print(message, file=sys.stderr)  # noqa: E731, T201
    log(f"benchmark databases {name} and {name_10x}")
    try:
        results = run_interleaved(
            scale=args.scale, repetitions=args.repetitions, url_10x=url_10x, name_10x=name_10x, log=log
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url, name)
            drop_database(url_10x, name_10x)
    results["runtime_seconds"] = round(time.perf_counter() - started, 1)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))  # noqa: T201
    print(f"\nmake bench took {results['runtime_seconds']} s; results in {args.output}")  # noqa: T201
    print(summary_line(results["verdict"]))  # noqa: T201
    return 0 if results["verdict"]["pass"] else 1


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.run import main as _main

    sys.exit(_main())
