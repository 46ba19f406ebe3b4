"""Figures and their data tables for the dashboard, the public progress page and the report.

Every chart is a Plotly figure built here in Python, sent to the page with ``json_script``
and drawn by ``static/js/charts.js`` (no inline script, so the Content-Security-Policy
stays strict: docs/adr/0003-charts-under-csp.md), together with the same numbers as a
table: the accessible alternative on the page and the CSV download.

Small counts: a count of people (signals, participants, referrals) from 1 to 4 shows as
"<5" in the table, the CSV and the figure alike. Where a row or column total would let a
reader work such a count out, one more count of that row or column is hidden as well
("×"): secondary suppression, so that every row and column with a hidden count has at
least two. Counts of organisations and activities are public (the partner list, the
social map) and are shown as they are.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import cycle

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import date_format, get_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from signals.constants import ReferralStatus, Source

from . import selectors
from .dashboard.cache import cached
from .progress import MIN_RESPONDENTS, Progress, Status, decimal_text, describe, percent

SMALL_COUNT = 5
LESS_THAN_FIVE = "<5"
HIDDEN = "×"

TEXT_COLOR = "#1a1a1a"
MUTED = "#4a4a4a"
GRID = "#e0e0e0"
PRIMARY = "#005a6e"
DEMO = "#6b6b6b"
TARGET = "#1b7a3a"
# Colour-blind safe, each at least 3:1 against white (WCAG 1.4.11 for graphics).
AGE_GROUP_COLORS = {"jongeren": "#b35900", "volwassenen": "#0072b2", "ouderen": "#6a3d9a", "onbekend": "#6b6b6b"}
PALETTE = ["#005a6e", "#b35900", "#6a3d9a", "#0072b2", "#8a6d00", "#6b6b6b"]
FONT = {"family": 'system-ui, "Segoe UI", Roboto, Arial, sans-serif', "size": 14, "color": TEXT_COLOR}


# Tables -----------------------------------------------------------------------------


@dataclass
class Table:
    """A chart's numbers. Cells hold ints, Decimals or text: the page localises numbers,
    the CSV writes them plainly. The first column holds the row headers."""

    columns: list[str]
    rows: list[list]
    total: list | None = None
    notes: list[str] = field(default_factory=list)

    def csv_rows(self):
        yield self.columns
        yield from self.rows
        if self.total:
            yield self.total

    @staticmethod
    def _display(row):
        return row[0], [(value, isinstance(value, int | Decimal) or is_hidden(value)) for value in row[1:]]

    def display_rows(self):
        """(row header, [(value, is it a number)]) for the page: numbers align right."""
        return [self._display(row) for row in self.rows]

    def display_total(self):
        return self._display(self.total) if self.total else None

    # The page's cells, written here rather than by template loops: a dashboard has some
    # 1,500 of them, and the template engine took longer over them than the database over
    # the figures (monitoring/includes/chart_table.html puts them in the table).

    def _row_html(self, row) -> str:
        header, cells = self._display(row)
        parts = [f'<th class="utrecht-table__header-cell" scope="row">{_cell(header)}</th>']
        for value, numeric in cells:
            css = "utrecht-table__cell utrecht-table__cell--numeric" if numeric else "utrecht-table__cell"
            parts.append(f'<td class="{css}">{_cell(value)}</td>')
        return "".join(parts)

    def body_html(self) -> str:
        rows = (f'<tr class="utrecht-table__row">{self._row_html(row)}</tr>' for row in self.rows)
        return mark_safe("\n".join(rows))  # noqa: S308  # nosec: every value is escaped by _cell

    def total_html(self) -> str:
        return mark_safe(self._row_html(self.total)) if self.total else ""  # noqa: S308  # nosec: as above


def _cell(value) -> str:
    """A value as the template's ``{{ value }}`` shows it: localised, escaped."""
    if type(value) is int:
        return _int_text(value)
    if type(value) is Decimal:
        return decimal_text(value)
    return conditional_escape(localize(value))


@lru_cache(maxsize=8)
def _grouping(language: str | None) -> tuple[int, str]:
    return get_format("NUMBER_GROUPING"), get_format("THOUSAND_SEPARATOR")


def _int_text(value: int) -> str:
    """What ``localize(value)`` gives for an int, without its format lookups per call
    (a dashboard has over a thousand of them; they cost more than its SQL)."""
    if not settings.USE_THOUSAND_SEPARATOR or -1000 < value < 1000:
        return str(value)
    grouping, separator = _grouping(get_language())
    if grouping != 3:
        return localize(value)
    return f"{value:,}".replace(",", separator)


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    figure: dict
    table: Table
    summary: str = ""

    @property
    def element_id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def figure_script(self) -> str:
        """``{{ chart.figure|json_script:chart.data_id }}``, made faster: its
        ``str.translate`` over each figure's JSON took longer than the dashboard's SQL
        for a figure; three ``replace`` calls escape the same three characters."""
        text = json.dumps(self.figure, cls=DjangoJSONEncoder)
        text = text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
        return format_html('<script id="{}" type="application/json">{}</script>', self.data_id, mark_safe(text))  # noqa: S308  # nosec: JSON with <, > and & escaped

    @property
    def data_id(self) -> str:
        return f"chart-{self.slug}-data"


@dataclass
class TargetPanel:
    """A target on the page: its chart, status and the sentence that says it plainly."""

    summary: selectors.TargetSummary
    progress: Progress
    sentence: str
    chart: Chart
    demo_progress: Progress | None = None
    demo_sentence: str = ""
    hidden_demo: bool = False  # there are demo figures, left out

    @property
    def status_label(self) -> str:
        return Status(self.progress.status).label


def is_hidden(value) -> bool:
    return value in (LESS_THAN_FIVE, HIDDEN)


def protect(values: list[list[int]], *, row_totals: bool = True, column_totals: bool = True) -> list[list]:
    """``values`` with totals appended (a last column of row totals, a last row of
    column totals) and small counts suppressed.

    A count from 1 to 4 (a total too) becomes "<5". Then, as long as a row or column
    that carries a total has exactly one hidden entry, the smallest other non-zero
    count in it is hidden as well ("×"), a total only when no count is left, the grand
    total never: whoever adds up what is shown learns no hidden count exactly.
    """
    rows = len(values)
    columns = len(values[0]) if values else 0
    grid = [list(row) + ([sum(row)] if row_totals else []) for row in values]
    if column_totals:
        grid.append([sum(grid[r][c] for r in range(rows)) for c in range(len(grid[0]) if grid else 0)])
    width = columns + (1 if row_totals else 0)

    # Each line is a set of positions whose last one is the sum of the others.
    lines = []
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(len(grid))]
    if column_totals:
        lines += [[(r, c) for r in range(rows + 1)] for c in range(width)]
    grand = (rows, columns) if row_totals and column_totals else None

    def is_total(position):
        r, c = position
        return (row_totals and c == columns) or (column_totals and r == rows)

    primary = {(r, c) for r in range(len(grid)) for c in range(width) if 0 < grid[r][c] < SMALL_COUNT}
    secondary = set()
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in primary or p in secondary) != 1:
                continue
            candidates = [
                p for p in line if p not in primary and p not in secondary and grid[p[0]][p[1]] > 0 and p != grand
            ]
            if candidates:
                secondary.add(min(candidates, key=lambda p: (is_total(p), grid[p[0]][p[1]], p)))
                changed = True

    return [
        [LESS_THAN_FIVE if (r, c) in primary else HIDDEN if (r, c) in secondary else grid[r][c] for c in range(width)]
        for r in range(len(grid))
    ]


def _share(part, whole) -> Decimal | None:
    if not isinstance(part, int) or not isinstance(whole, int) or not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Figures ----------------------------------------------------------------------------


def plot_text(value) -> str:
    """Text for a figure: plotly.js reads <…> as markup (and would style it inline)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What plotly turns ``template="none"`` into: the figures carry it as data, so that building
# one needs no plotly.graph_objects (whose validation cost ~7 ms a chart: half the
# dashboard's time). A test checks that plotly accepts every figure and leaves it unchanged.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def _trace(kind: str, **properties) -> dict:
    """A Plotly trace as JSON-ready data (what ``go.Bar(...).to_plotly_json()`` gives)."""
    return {**properties, "type": kind}


def _figure(traces, **layout) -> dict:
    """A Plotly figure as JSON-ready data, with the portal's look and no inline styling."""
    axis = {
        "automargin": True,
        "fixedrange": True,
        "gridcolor": GRID,
        "linecolor": MUTED,
        "tickcolor": MUTED,
        "zerolinecolor": MUTED,
    }
    base = {
        # No template: the default one adds 7 kB to every figure and styles we replace.
        "template": NO_TEMPLATE,
        "font": FONT,
        "separators": ",." if (get_language() or "nl").startswith("nl") else ".,",
        "margin": {"l": 8, "r": 32, "t": 8, "b": 8},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        "hovermode": "closest",
        "dragmode": False,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": 360,
    }
    xaxis = {**axis, **layout.pop("xaxis", {})}
    yaxis = {**axis, **layout.pop("yaxis", {})}
    return {"data": list(traces), "layout": {**base, **layout, "xaxis": xaxis, "yaxis": yaxis}}


def _bars(categories, series, *, horizontal: bool, unit: str = "") -> list:
    """Grouped bars. ``series``: (name, colour, cells) with cells as ``protect`` gives
    them; a hidden count is drawn as no bar with its label ("<5", "×") beside it."""

    def label(value) -> str:
        if is_hidden(value):
            return plot_text(value)
        return "–" if value is None else f"{_number(value)}{unit}"

    labels = [plot_text(c) for c in categories]
    traces = []
    for name, color, cells in series:
        heights = [0 if is_hidden(v) or v is None else float(v) for v in cells]
        hover = f"%{{{'y' if horizontal else 'x'}}}<br>{plot_text(name)}: %{{customdata}}<extra></extra>"
        axes = {"x": heights, "y": labels} if horizontal else {"x": labels, "y": heights}
        traces.append(
            _trace(
                "bar",
                **axes,
                orientation="h" if horizontal else "v",
                name=plot_text(name),
                marker={"color": color},
                # A bar of 0 needs no label; a hidden count keeps its "<5" beside the axis.
                text=["" if v == 0 else label(v) for v in cells],
                customdata=[label(v) for v in cells],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=hover,
                showlegend=len(series) > 1,
            )
        )
    return traces


def _number(value) -> str:
    from django.utils.formats import number_format

    if type(value) is int:
        return _int_text(value)
    if isinstance(value, Decimal):
        return decimal_text(value, 0 if value == value.to_integral_value() else 1)
    return number_format(value)


def _bar_layout(categories, series_count, *, horizontal: bool, max_value=0) -> dict:
    # At least 0–5, so that an axis of small counts shows whole numbers only.
    max_value = max(SMALL_COUNT, max_value)
    if horizontal:
        height = 90 + len(categories) * max(28, 14 * series_count)
        return {
            "barmode": "group",
            "height": max(200, height),
            "yaxis": {"autorange": "reversed", "type": "category"},
            "xaxis": {"rangemode": "tozero", "range": [0, max_value * 1.15]},
        }
    return {
        "barmode": "group",
        "xaxis": {"type": "category"},
        "yaxis": {"rangemode": "tozero", "range": [0, max_value * 1.2]},
    }


def count_chart(
    slug,
    title,
    description,
    *,
    row_header: str,
    categories: list[str],
    series: list[tuple[str, str]],
    values: list[list[int]],
    horizontal: bool = False,
    suppress: bool = True,
    total_label: str | None = None,
    notes=(),
) -> Chart:
    """A chart of counts: ``categories`` along one axis, one bar per ``series`` (name,
    colour), ``values[category][series]``; the table adds totals."""
    several = len(series) > 1
    if suppress:
        grid = protect(values, row_totals=several, column_totals=True)
    else:
        grid = [row + ([sum(row)] if several else []) for row in values]
        grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [])
    cells, totals = grid[:-1], grid[-1]
    columns = [row_header, *(name for name, _color in series)] + ([total_label or _("Total")] if several else [])
    table = Table(
        columns=columns,
        rows=[[category, *row] for category, row in zip(categories, cells, strict=True)],
        total=[_("Total"), *totals] if categories else None,
        notes=list(notes),
    )
    if suppress and any(is_hidden(v) for row in grid for v in row):
        table.notes.append(suppression_note(grid))
    max_value = max((v for row in cells for v in row[: len(series)] if isinstance(v, int)), default=0)
    figure = _figure(
        _bars(
            categories,
            [(name, color, [row[i] for row in cells]) for i, (name, color) in enumerate(series)],
            horizontal=horizontal,
        ),
        **_bar_layout(categories, len(series), horizontal=horizontal, max_value=max_value),
    )
    return Chart(slug, title, description, figure, table)


def suppression_note(cells) -> str:
    """What "<5" (and "×", where shown) mean, for the cells of a table."""
    note = _("<5: fewer than 5, not shown so that no one can be recognised.")
    if any(value == HIDDEN for row in cells for value in row):
        note += " " + _("×: hidden as well, so that a number under 5 cannot be worked out from the totals.")
    return note


# Targets ----------------------------------------------------------------------------


def _float(value) -> float | None:
    return None if value is None else float(value)


def _hover(m, *, demo: bool) -> str:
    parts = [f"{m.year}: {percent(m.value)}"]
    if m.ci_low is not None and m.ci_high is not None:
        parts.append(_("95%% interval %(low)s–%(high)s") % {"low": percent(m.ci_low), "high": percent(m.ci_high)})
    if m.respondents is not None:
        parts.append(_("%(count)s respondents") % {"count": m.respondents})
    if m.is_unreliable:
        parts.append(_("unreliable: fewer than %(min)s respondents") % {"min": MIN_RESPONDENTS})
    if demo:
        parts.append(_("demo data, not a real measurement"))
    lines = [" · ".join(parts[:2]), " · ".join(parts[2:])]
    return "<br>".join(plot_text(line) for line in lines if line)


def _measurement_trace(measurements, *, name, color, demo: bool):
    return _trace(
        "scatter",
        x=[m.year for m in measurements],
        y=[_float(m.value) for m in measurements],
        mode="lines+markers",
        name=plot_text(name),
        line={"color": color, "width": 2, "dash": "dot" if demo else "solid"},
        marker={
            "color": color,
            "size": 10,
            "symbol": [
                ("diamond-open" if demo else "circle-open" if m.is_unreliable else "circle") for m in measurements
            ],
        },
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [_float(m.ci_high - m.value) if m.ci_high is not None else 0 for m in measurements],
            "arrayminus": [_float(m.value - m.ci_low) if m.ci_low is not None else 0 for m in measurements],
            "color": color,
            "thickness": 1.5,
            "width": 6,
        },
        text=[_hover(m, demo=demo) for m in measurements],
        hovertemplate="%{text}<extra></extra>",
    )


def target_chart(summary: selectors.TargetSummary, *, slug_prefix: str = "target") -> Chart:
    plan = summary.plan
    start = plan.start_year
    baseline_name = _("Baseline") if plan.baseline_year else _("Baseline (year not stated)")
    target_name = _("Target %(year)s") % {"year": plan.target_year}
    traces = [
        _trace(
            "scatter",
            x=[start, plan.target_year],
            y=[_float(plan.baseline_value), _float(plan.target_value)],
            mode="lines",
            name=plot_text(_("Straight path to the target")),
            line={"color": MUTED, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        ),
        _trace(
            "scatter",
            x=[start],
            y=[_float(plan.baseline_value)],
            mode="markers",
            name=plot_text(baseline_name),
            marker={"color": MUTED, "size": 12, "symbol": "square"},
            hovertemplate=plot_text(f"{baseline_name}: {percent(plan.baseline_value)}") + "<extra></extra>",
        ),
        _trace(
            "scatter",
            x=[plan.target_year],
            y=[_float(plan.target_value)],
            mode="markers",
            name=plot_text(target_name),
            marker={"color": TARGET, "size": 16, "symbol": "star"},
            hovertemplate=plot_text(f"{target_name}: {percent(plan.target_value)}") + "<extra></extra>",
        ),
    ]
    if summary.measurements:
        traces.append(_measurement_trace(summary.measurements, name=_("Measurements"), color=PRIMARY, demo=False))
    if summary.demo:
        traces.append(_measurement_trace(summary.demo, name=_("Demo data (not real)"), color=DEMO, demo=True))

    values = [plan.baseline_value, plan.target_value]
    for m in [*summary.measurements, *summary.demo]:
        values.append(m.ci_high if m.ci_high is not None else m.value)
    years = [start, plan.target_year, *(m.year for m in [*summary.measurements, *summary.demo])]
    figure = _figure(
        traces,
        height=340,
        xaxis={"tickformat": "d", "range": [min(years) - 1, max(years) + 1]},
        yaxis={"ticksuffix": "%", "rangemode": "tozero", "range": [0, float(max(values)) * 1.2]},
    )
    return Chart(
        slug=f"{slug_prefix}-{summary.code}",
        title=summary.title,
        description=_(
            "Measurements with their 95%% interval, the baseline, the target for %(year)s and the straight path "
            "between them."
        )
        % {"year": plan.target_year},
        figure=figure,
        table=target_table(summary),
    )


def target_table(summary: selectors.TargetSummary) -> Table:
    plan = summary.plan
    rows = [
        [
            plan.baseline_year or _("not stated"),
            _("baseline"),
            plan.baseline_value,
            "",
            "",
            "",
            "",
            f"{summary.source} {summary.baseline_note}".strip(),
        ]
    ]
    measured = [(m, False) for m in summary.measurements] + [(m, True) for m in summary.demo]
    for m, demo in sorted(measured, key=lambda item: (item[0].year, item[1])):
        rows.append(
            [
                m.year,
                _("demo data (not real)") if demo else _("measurement"),
                m.value,
                "" if m.ci_low is None else m.ci_low,
                "" if m.ci_high is None else m.ci_high,
                "" if m.respondents is None else m.respondents,
                _("unreliable: fewer than %(min)s respondents") % {"min": MIN_RESPONDENTS} if m.is_unreliable else "",
                m.source,
            ]
        )
    rows.append([plan.target_year, _("target"), plan.target_value, "", "", "", "", summary.source])
    return Table(
        columns=[
            _("Year"),
            _("Kind"),
            _("Value (%)"),
            _("95% interval, low (%)"),
            _("95% interval, high (%)"),
            _("Respondents"),
            _("Reliability"),
            _("Source"),
        ],
        rows=rows,
    )


def target_panels(summaries, *, slug_prefix: str = "target", include_demo: bool = False) -> list[TargetPanel]:
    """The targets with their charts; demo figures only with ``include_demo``, and then
    as a separate, labelled series."""
    panels = []
    for summary in summaries:
        hidden_demo = bool(summary.demo) and not include_demo
        if hidden_demo:
            summary = replace(summary, demo=[])
        progress, demo_progress = summary.progress, summary.demo_progress
        panels.append(
            TargetPanel(
                summary=summary,
                progress=progress,
                sentence=describe(summary.plan, progress),
                chart=target_chart(summary, slug_prefix=slug_prefix),
                demo_progress=demo_progress,
                demo_sentence=describe(summary.plan, demo_progress) if demo_progress else "",
                hidden_demo=hidden_demo,
            )
        )
    return panels


# The dashboard ----------------------------------------------------------------------


@dataclass
class KeyFigure:
    label: str
    value: object
    note: str = ""


@dataclass
class Dashboard:
    targets: list[TargetPanel]
    coalition: list[Chart]
    signals: list[Chart]
    key_figures: list[KeyFigure]
    empty_domains: list[str]

    @property
    def charts(self) -> list[Chart]:
        return [panel.chart for panel in self.targets] + self.coalition + self.signals

    def chart(self, slug: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.slug == slug), None)


def _chosen(items, chosen_id):
    return [item for item in items if item.id == chosen_id] if chosen_id else list(items)


def _age_series(age_groups):
    return [(group.name, AGE_GROUP_COLORS.get(group.code, PRIMARY)) for group in age_groups]


def _month_label(key: str) -> str:
    return date_format(datetime.date.fromisoformat(f"{key}-01"), "M Y")


def coalition_charts(reference: selectors.Reference, data: selectors.Coalition, filters) -> list[Chart]:
    domains = _chosen(reference.domains, filters.domain)
    age_groups = _chosen(reference.age_groups, filters.age_group)
    domain_names = [d.name for d in domains]

    partners = count_chart(
        "partners-by-domain",
        _("Partners per domain"),
        _("Approved partner organisations now. A domain without partners shows “none yet”."),
        row_header=_("Domain"),
        categories=domain_names,
        series=[(_("Partners"), PRIMARY)],
        values=[[data.partners.get(d.id, 0)] for d in domains],
        horizontal=True,
        suppress=False,
    )
    for row in partners.table.rows:
        row.append(_("none yet") if row[1] == 0 else "")
    partners.table.columns.append(_("Note"))
    partners.table.total.append("")
    bar = partners.figure["data"][0]
    bar["text"] = [plot_text(_("none yet")) if not v else t for v, t in zip(bar["x"], bar["text"], strict=True)]

    initiatives = count_chart(
        "initiatives-by-domain",
        _("Activities per domain and age group"),
        _("Active initiatives of approved partners on the social map, by the age groups they are for."),
        row_header=_("Domain"),
        categories=domain_names,
        series=_age_series(age_groups),
        values=[[data.initiatives_by_age.get((d.id, a.id), 0) for a in age_groups] for d in domains],
        horizontal=True,
        suppress=False,
        total_label=_("Activities (any age group)"),
    )
    if len(age_groups) > 1:
        # An activity for several age groups counts once in its domain's total.
        for row, domain in zip(initiatives.table.rows, domains, strict=True):
            row[-1] = data.initiatives.get(domain.id, 0)
        initiatives.table.total[-1] = sum(data.initiatives.get(d.id, 0) for d in domains)

    quarters = filters.quarters
    reach = count_chart(
        "reach-by-quarter",
        _("Reach per quarter and age group"),
        _("Participants that partners reported per quarter, by age group."),
        row_header=_("Quarter"),
        categories=[f"{year} Q{quarter}" for year, quarter in quarters],
        series=_age_series(age_groups),
        values=[[data.reach.get((quarter, a.id), 0) for a in age_groups] for quarter in quarters],
    )
    return [partners, initiatives, reach]


def signal_charts(reference: selectors.Reference, data: selectors.Signals, filters) -> list[Chart]:
    age_groups = _chosen(reference.age_groups, filters.age_group)
    domains = _chosen(reference.domains, filters.domain)
    kernen = _chosen(reference.kernen, filters.kern)
    months = [f"{month:%Y-%m}" for month in filters.months]
    charts = [
        count_chart(
            "signals-by-month",
            _("Signals per month and age group"),
            _("Signals filed per month, by the resident's age group."),
            row_header=_("Month"),
            categories=[_month_label(month) for month in months],
            series=_age_series(age_groups),
            values=[[data.by_month.get((month, a.id), 0) for a in age_groups] for month in months],
        )
    ]

    domain_rows = [(d.name, data.by_domain.get(d.id, 0)) for d in domains]
    if not filters.domain:
        domain_rows.append((_("No organisation (residents' own reports)"), data.by_domain.get(None, 0)))
    charts.append(
        count_chart(
            "signals-by-domain",
            _("Signals by the filer's domain"),
            _("Signals by the domain of the partner organisation that filed them."),
            row_header=_("Domain"),
            categories=[name for name, _n in domain_rows],
            series=[(_("Signals"), PRIMARY)],
            values=[[n] for _name, n in domain_rows],
            horizontal=True,
        )
    )
    charts.append(
        count_chart(
            "signals-by-kern",
            _("Signals by village"),
            _("Signals by the village where the resident lives."),
            row_header=_("Village"),
            categories=[k.name for k in kernen],
            series=[(_("Signals"), PRIMARY)],
            values=[[data.by_kern.get(k.id, 0)] for k in kernen],
            horizontal=True,
        )
    )
    charts.append(
        count_chart(
            "signals-by-source",
            _("Signals by source"),
            _(
                "Who passed the signal on: staff of a partner, a resident worried about someone else, or a resident "
                "asking for company for themselves (the public form)."
            ),
            row_header=_("Source"),
            categories=[label for _value, label in Source.choices],
            series=[(_("Signals"), PRIMARY)],
            values=[[data.by_source.get(value, 0)] for value, _label in Source.choices],
            horizontal=True,
        )
    )
    charts.append(consent_chart(age_groups, data))
    charts.append(first_contact_chart(data))

    outcome_rows = [(o.name, data.outcomes.get(o.id, 0)) for o in reference.outcomes]
    outcome_rows.append((_("Not closed yet"), data.outcomes.get(None, 0)))
    charts.append(
        count_chart(
            "outcomes",
            _("Outcomes"),
            _("How the signals filed in the period ended, and how many are still open."),
            row_header=_("Outcome"),
            categories=[name for name, _n in outcome_rows],
            series=[(_("Signals"), PRIMARY)],
            values=[[n] for _name, n in outcome_rows],
            horizontal=True,
        )
    )
    statuses = ReferralStatus.choices
    charts.append(
        count_chart(
            "referrals-by-domain",
            _("Referrals by the initiative's domain"),
            _("Referrals made in the period, by the domain of the organisation behind the initiative and by status."),
            row_header=_("Domain"),
            categories=[d.name for d in domains],
            series=[(label, color) for (_value, label), color in zip(statuses, cycle(PALETTE))],
            values=[[data.referrals.get((d.id, value), 0) for value, _label in statuses] for d in domains],
            horizontal=True,
        )
    )
    return charts


def consent_chart(age_groups, data: selectors.Signals) -> Chart:
    """Share of signals where the resident agreed to be contacted, per age group."""
    counts = [data.consent.get(a.id, (0, 0)) for a in age_groups]
    grid = protect([[yes, total - yes] for total, yes in counts], row_totals=True, column_totals=True)
    labels = [a.name for a in age_groups] + [_("Total")]
    rows, shares = [], []
    for label, (yes, no, total) in zip(labels, grid, strict=True):
        share = _share(yes, total)
        reliability = (
            _("unreliable: fewer than %(min)s signals") % {"min": MIN_RESPONDENTS}
            if isinstance(total, int) and 0 < total < MIN_RESPONDENTS
            else ""
        )
        rows.append([label, yes, no, total, share if share is not None else "–", reliability])
        shares.append(share)
    table = Table(
        columns=[
            _("Age group"),
            _("With consent"),
            _("Without consent"),
            _("Signals"),
            _("Consent (%)"),
            _("Reliability"),
        ],
        rows=rows[:-1],
        total=rows[-1],
    )
    if any(is_hidden(v) for row in grid for v in row):
        table.notes.append(suppression_note(grid))
    table.notes.append(_("–: no share shown where it would reveal a number under 5, or there are no signals."))
    figure = _figure(
        _bars(labels, [(_("Consent (%)"), PRIMARY, shares)], horizontal=True, unit="%"),
        **_bar_layout(labels, 1, horizontal=True, max_value=100),
    )
    figure["layout"]["xaxis"]["range"] = [0, 115]
    figure["layout"]["xaxis"]["ticksuffix"] = "%"
    return Chart(
        "consent",
        _("Consent to be contacted"),
        _(
            "Share of signals where the resident agreed to be contacted, per age group. Only signals from partners' "
            "staff count: the public form does not ask for consent."
        ),
        figure,
        table,
    )


FIRST_CONTACT_BUCKETS = 10


def first_contact_chart(data: selectors.Signals) -> Chart:
    buckets = [data.first_contact.get(days, 0) for days in range(FIRST_CONTACT_BUCKETS + 1)]
    buckets.append(sum(n for days, n in data.first_contact.items() if days > FIRST_CONTACT_BUCKETS))
    labels = [str(days) for days in range(FIRST_CONTACT_BUCKETS + 1)] + [
        _("more than %(days)s") % {"days": FIRST_CONTACT_BUCKETS}
    ]
    chart = count_chart(
        "first-contact",
        _("Working days to first contact"),
        _(
            "Signals by the number of working days (weekends and public holidays skipped) from filing to the "
            "first contact with the resident."
        ),
        row_header=_("Working days"),
        categories=labels,
        series=[(_("Signals"), PRIMARY)],
        values=[[n] for n in buckets],
    )
    chart.summary = median_sentence(data)
    return chart


def median_sentence(data: selectors.Signals) -> str:
    contacted = sum(data.first_contact.values())
    if contacted == 0:
        return _("No first contact recorded for these signals yet.")
    if contacted < SMALL_COUNT:
        return _("Fewer than 5 signals with a first contact: no median shown.")
    return _("Median: %(days)s working days from filing to first contact (%(count)s signals).") % {
        "days": _number(Decimal(str(data.median_working_days))),
        "count": contacted,
    }


def key_figures(signal_charts_: list[Chart], data: selectors.Signals) -> list[KeyFigure]:
    """The headline numbers, read from the charts' protected tables so they agree with them."""
    charts = {chart.slug: chart for chart in signal_charts_}
    total = (charts["signals-by-kern"].table.total or [None, 0])[1]
    consent_total = charts["consent"].table.total
    referrals = (charts["referrals-by-domain"].table.total or [0])[-1]
    contacted = sum(data.first_contact.values())
    median = data.median_working_days if contacted >= SMALL_COUNT else None
    return [
        KeyFigure(_("Signals filed"), total),
        KeyFigure(
            _("With consent to be contacted"),
            f"{_number(consent_total[4])}%" if isinstance(consent_total[4], Decimal) else "–",
            consent_total[5],
        ),
        KeyFigure(
            _("Median working days to first contact"),
            _number(Decimal(str(median))) if median is not None else "–",
        ),
        KeyFigure(_("Referrals made"), referrals),
    ]


def dashboard(filters) -> Dashboard:
    """Everything the dashboard shows for these filters, built once per data version and language."""

    def compute():
        reference = selectors.reference()
        signals_data = selectors.signals(filters)
        coalition_data = selectors.coalition(filters)
        signal_list = signal_charts(reference, signals_data, filters)
        domains = _chosen(reference.domains, filters.domain)
        return Dashboard(
            targets=target_panels(selectors.targets(), include_demo=filters.include_demo),
            coalition=coalition_charts(reference, coalition_data, filters),
            signals=signal_list,
            key_figures=key_figures(signal_list, signals_data),
            empty_domains=[d.name for d in domains if not coalition_data.partners.get(d.id)],
        )

    return cached("dashboard", f"{get_language()}:{filters.key}", compute)


# The public progress page -----------------------------------------------------------


@dataclass
class PublicProgress:
    targets: list[TargetPanel]
    coalition: Chart
    partner_total: int
    initiative_total: int


def public_progress() -> PublicProgress:
    """The targets and the coalition by domain: real data only, nothing about signals."""

    def compute():
        reference = selectors.reference()
        data = selectors.coalition(selectors.Filters.default(), breakdowns=False)
        domains = reference.domains
        chart = count_chart(
            "coalition-by-domain",
            _("The coalition by domain"),
            _("Partner organisations and their activities on the social map, per domain of society."),
            row_header=_("Domain"),
            categories=[d.name for d in domains],
            series=[(_("Partners"), PRIMARY), (_("Activities"), AGE_GROUP_COLORS["jongeren"])],
            values=[[data.partners.get(d.id, 0), data.initiatives.get(d.id, 0)] for d in domains],
            horizontal=True,
            suppress=False,
        )
        # Partners and activities are different things: no row total.
        chart.table.columns.pop()
        for row in [*chart.table.rows, chart.table.total]:
            row.pop()
        return PublicProgress(
            targets=target_panels(selectors.targets(), slug_prefix="progress"),
            coalition=chart,
            partner_total=sum(data.partners.values()),
            initiative_total=sum(data.initiatives.values()),
        )

    return cached("public-progress", get_language() or "", compute)
