"""The portal's benchmark: Westland today and at ten times its size (``make bench``).

Creates its own databases ``<name>_bench_1x`` and ``<name>_bench_10x`` next to the one
DATABASE_URL names (never touching that one): generates Westland (benchmarks/generate.py)
into the first, copies it into the second and adds nine more Westlands there. Then it
measures both, their requests taking turns (so that other work on the machine slows both
alike), and the imports on each. Prints a table, writes benchmarks/results.json and ends
with one line: PASS or FAIL against the bar of issue 7. The databases are dropped at the
end (``--keep`` keeps them); the Redis database of REDIS_URL is emptied.

    .venv/bin/python benchmarks/run.py [--repetitions 30] [--scale 1.0] [--keep]
    .venv/bin/python benchmarks/run.py --only imports [--scale 0.1] [--reach-rows 10000]

``--only imports`` generates one Westland and measures only the imports (the survey, and
reach reports through import-export against bulk_create of the same rows), in a minute
instead of several.

The databases and Django's settings: benchmarks/databases.py; the bar, the table and the
summary line: benchmarks/bar.py. (The benchmark's own modules are imported inside the
functions: this file also runs as a script, where a relative import at the top fails.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (("1x", 1), ("10x", 10))
REACH_IMPORT_ROWS = 10_000


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


def imports_for(label: str, scale: float, chunks: int, reach_rows: int | None = None) -> dict:
    from . import generate

    responses = max(50, round(generate.SURVEY_RESPONSES * scale * chunks))
    return measure_imports(label, responses, reach_rows or max(100, round(REACH_IMPORT_ROWS * scale)))


def run_imports_only(*, scale: float, reach_rows: int, log=print) -> dict:
    """``--only imports``: one Westland, then the imports alone (no pages, no 10× database)."""
    start = time.perf_counter()
    generate_size(range(0, 1), scale)
    log(f"1x: generated in {time.perf_counter() - start:.1f} s")
    return {"scale": scale, "sizes": {"1x": {"imports": imports_for("1x", scale, 1, reach_rows)}}}


def run(*, scale: float, repetitions: int, log=print) -> dict:
    """Both sizes, one after the other, in the one configured (migrated) database: 1×,
    then nine more Westlands added. The test of the machinery runs this way."""
    from .bar import verdict
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

    from .bar import verdict
    from .databases import recreate_database
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


def main(argv=None):
    from .bar import imports_table, imports_verdict, summary_line, table
    from .databases import bench_database_url, configure, drop_database, recreate_database

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=30, help="requests per page and mode (at least 30)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of one Westland (1.0: the real size)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--only", choices=["imports"], help="measure only this part (the imports: about a minute)")
    parser.add_argument(
        "--reach-rows", type=int, default=None, help=f"rows of the reach import ({REACH_IMPORT_ROWS:,})"
    )
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
    if args.only == "imports":
        try:
            results = run_imports_only(scale=args.scale, reach_rows=args.reach_rows or REACH_IMPORT_ROWS, log=log)
        finally:
            if not args.keep:
                from django.db import connections

                connections.close_all()
                drop_database(url, name)
        print(imports_table(results))  # noqa: T201
        return 0 if imports_verdict(results)["pass"] else 1
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
