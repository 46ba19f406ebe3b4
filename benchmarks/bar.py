"""The bar of issue 7 that ``make bench`` holds the portal to, and how its results are shown.

``verdict`` checks the results of benchmarks/run.py against the MAX_* limits below
(the reasons for them: docs/adr/0006-performance-at-ten-times-westland.md); ``table``
and ``summary_line`` are what ``make bench`` prints.
"""

from __future__ import annotations

MAX_GROWTH = 2.0  # a page's median at 10× over its median at 1×
MAX_COLD_OVER_FLOOR = 3.0  # the dashboard, cold, over its aggregates as raw SQL
MAX_WARM_OVER_TRIVIAL = 2.0  # the dashboard, warm, over the trivial view
MAX_FILING_MS = 50.0  # filing a signal at 10×
MAX_REACH_IMPORT_OVER_BULK = 5.0  # 10,000 reach reports through import-export over bulk_create of them


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
    imports = imports_verdict(results)
    failures += imports["failures"]
    ratios.update(imports["ratios"])
    return {"pass": not failures, "failures": failures, "ratios": ratios}


def imports_verdict(results: dict) -> dict:
    """The reach import at each size within MAX_REACH_IMPORT_OVER_BULK of bulk_create."""
    failures, ratios = [], {}
    for label, size in results["sizes"].items():
        reach = size.get("imports", {}).get("reach_import")
        if reach is None:
            continue
        ratios[f"reach import/bulk_create {label}"] = reach["ratio"]
        if reach["ratio"] > MAX_REACH_IMPORT_OVER_BULK:
            failures.append(f"reach import at {label}: {reach['ratio']}× bulk_create")
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
    lines.append(imports_table(results))
    return "\n".join(lines)


def imports_table(results: dict) -> str:
    lines = []
    for label, size in results["sizes"].items():
        imports = size.get("imports")
        if not imports:
            continue
        survey, reach = imports["import_survey"], imports["reach_import"]
        lines.append(
            f"{label}: import_survey {survey['responses']} responses in {survey['seconds']} s "
            f"({survey['responses_per_second']}/s); reach reports {reach['rows']} rows: import-export "
            f"{reach['import_export_seconds']} s ({reach['import_export_rows_per_second']}/s), bulk_create "
            f"{reach['bulk_create_seconds']} s ({reach['bulk_create_rows_per_second']}/s), {reach['ratio']}× "
            f"bulk_create (bar ≤ {MAX_REACH_IMPORT_OVER_BULK})"
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
        "reach import/bulk_create "
        + ", ".join(
            f"{r[f'reach import/bulk_create {s}']} ({s})" for s in ("1x", "10x") if f"reach import/bulk_create {s}" in r
        )
        + f" ≤ {MAX_REACH_IMPORT_OVER_BULK}",
    ]
    verdict_word = "PASS" if verdict_["pass"] else "FAIL"
    return f"{verdict_word}: " + "; ".join(parts)
