"""The Plotly figures of the dashboard, the public progress page and the report.

Every chart is a Plotly figure built here in Python, sent to the page with ``json_script``
and drawn by ``static/js/charts.js`` (no inline script, so the Content-Security-Policy
stays strict: docs/adr/0003-charts-under-csp.md), together with the same numbers as a
table (``tables.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import selectors
from ..progress import MIN_RESPONDENTS, percent
from .disclosure import SMALL_COUNT, is_hidden, protect, suppression_note
from .tables import Table, number_text

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


# Building blocks --------------------------------------------------------------------


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


def plotly_figure(traces, **layout) -> dict:
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


def bar_traces(categories, series, *, horizontal: bool, unit: str = "") -> list:
    """Grouped bars. ``series``: (name, colour, cells) with cells as ``protect`` gives
    them; a hidden count is drawn as no bar with its label ("<5", "×") beside it."""

    def label(value) -> str:
        if is_hidden(value):
            return plot_text(value)
        return "–" if value is None else f"{number_text(value)}{unit}"

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


def bar_layout(categories, series_count, *, horizontal: bool, max_value=0) -> dict:
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
    row_header: tuple[str, str],
    categories: list[str],
    series: list[tuple[str, str, str]],
    values: list[list[int]],
    horizontal: bool = False,
    suppress: bool = True,
    total_label: str | None = None,
    notes=(),
) -> Chart:
    """A chart of counts: ``categories`` along one axis, one bar per ``series`` (column
    key, name, colour), ``values[category][series]``; the table adds totals (with more
    than one series, a last column keyed "total"). ``row_header``: the first column's
    key and header."""
    several = len(series) > 1
    if suppress:
        grid = protect(values, row_totals=several, column_totals=True)
    else:
        grid = [row + ([sum(row)] if several else []) for row in values]
        grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [])
    cells, totals = grid[:-1], grid[-1]
    headed = [row_header, *((key, name) for key, name, _color in series)]
    if several:
        headed.append(("total", total_label or _("Total")))
    table = Table(
        keys=[key for key, _header in headed],
        columns=[header for _key, header in headed],
        rows=[[category, *row] for category, row in zip(categories, cells, strict=True)],
        total=[_("Total"), *totals] if categories else None,
        notes=list(notes),
    )
    if suppress and any(is_hidden(v) for row in grid for v in row):
        table.notes.append(suppression_note(grid))
    max_value = max((v for row in cells for v in row[: len(series)] if isinstance(v, int)), default=0)
    figure = plotly_figure(
        bar_traces(
            categories,
            [(name, color, [row[i] for row in cells]) for i, (_key, name, color) in enumerate(series)],
            horizontal=horizontal,
        ),
        **bar_layout(categories, len(series), horizontal=horizontal, max_value=max_value),
    )
    return Chart(slug, title, description, figure, table)


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
    figure = plotly_figure(
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
        keys=["year", "kind", "value", "ci_low", "ci_high", "respondents", "reliability", "source"],
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
