"""What each page shows: the dashboard's charts and key figures for its filters (also
the council report's), and the public progress page's, each built once per data version
and language from the read queries in ``monitoring.selectors``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import cycle

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from signals.constants import ReferralStatus, Source

from .. import selectors
from ..progress import MIN_RESPONDENTS, Progress, Status, describe
from .cache import cached
from .disclosure import SMALL_COUNT, is_hidden, protect, suppression_note
from .figures import (
    AGE_GROUP_COLORS,
    PALETTE,
    PRIMARY,
    Chart,
    bar_layout,
    bar_traces,
    count_chart,
    plot_text,
    plotly_figure,
    target_chart,
)
from .tables import Table, number_text

# Targets ----------------------------------------------------------------------------


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
    return [(f"age_group:{group.code}", group.name, AGE_GROUP_COLORS.get(group.code, PRIMARY)) for group in age_groups]


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
        row_header=("domain", _("Domain")),
        categories=domain_names,
        series=[("partners", _("Partners"), PRIMARY)],
        values=[[data.partners.get(d.id, 0)] for d in domains],
        horizontal=True,
        suppress=False,
    )
    notes = [_("none yet") if n == 0 else "" for n in partners.table.column("partners")]
    partners.table.add_column("note", _("Note"), notes)
    bar = partners.figure["data"][0]
    bar["text"] = [plot_text(_("none yet")) if not v else t for v, t in zip(bar["x"], bar["text"], strict=True)]

    initiatives = count_chart(
        "initiatives-by-domain",
        _("Activities per domain and age group"),
        _("Active initiatives of approved partners on the social map, by the age groups they are for."),
        row_header=("domain", _("Domain")),
        categories=domain_names,
        series=_age_series(age_groups),
        values=[[data.initiatives_by_age.get((d.id, a.id), 0) for a in age_groups] for d in domains],
        horizontal=True,
        suppress=False,
        total_label=_("Activities (any age group)"),
    )
    if len(age_groups) > 1:
        # An activity for several age groups counts once in its domain's total.
        totals = [data.initiatives.get(d.id, 0) for d in domains]
        initiatives.table.set_column("total", totals, total=sum(totals))

    quarters = filters.quarters
    reach = count_chart(
        "reach-by-quarter",
        _("Reach per quarter and age group"),
        _("Participants that partners reported per quarter, by age group."),
        row_header=("quarter", _("Quarter")),
        categories=[f"{year} Q{quarter}" for year, quarter in quarters],
        series=_age_series(age_groups),
        values=[[data.reach.get((quarter, a.id), 0) for a in age_groups] for quarter in quarters],
    )
    return [partners, initiatives, reach]


def _signals_per(slug, title, description, *, row_header, rows) -> Chart:
    """A horizontal bar chart of the number of signals per category; ``rows`` are
    (category, number) pairs."""
    return count_chart(
        slug,
        title,
        description,
        row_header=row_header,
        categories=[category for category, _n in rows],
        series=[("signals", _("Signals"), PRIMARY)],
        values=[[n] for _category, n in rows],
        horizontal=True,
    )


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
            row_header=("month", _("Month")),
            categories=[_month_label(month) for month in months],
            series=_age_series(age_groups),
            values=[[data.by_month.get((month, a.id), 0) for a in age_groups] for month in months],
        )
    ]

    domain_rows = [(d.name, data.by_domain.get(d.id, 0)) for d in domains]
    if not filters.domain:
        domain_rows.append((_("No organisation (residents' own reports)"), data.by_domain.get(None, 0)))
    charts.append(
        _signals_per(
            "signals-by-domain",
            _("Signals by the filer's domain"),
            _("Signals by the domain of the partner organisation that filed them."),
            row_header=("domain", _("Domain")),
            rows=domain_rows,
        )
    )
    charts.append(
        _signals_per(
            "signals-by-kern",
            _("Signals by village"),
            _("Signals by the village where the resident lives."),
            row_header=("kern", _("Village")),
            rows=[(k.name, data.by_kern.get(k.id, 0)) for k in kernen],
        )
    )
    charts.append(
        _signals_per(
            "signals-by-source",
            _("Signals by source"),
            _(
                "Who passed the signal on: staff of a partner, a resident worried about someone else, or a resident "
                "asking for company for themselves (the public form)."
            ),
            row_header=("source", _("Source")),
            rows=[(label, data.by_source.get(value, 0)) for value, label in Source.choices],
        )
    )
    charts.append(consent_chart(age_groups, data))
    charts.append(first_contact_chart(data))

    outcome_rows = [(o.name, data.outcomes.get(o.id, 0)) for o in reference.outcomes]
    outcome_rows.append((_("Not closed yet"), data.outcomes.get(None, 0)))
    charts.append(
        _signals_per(
            "outcomes",
            _("Outcomes"),
            _("How the signals filed in the period ended, and how many are still open."),
            row_header=("outcome", _("Outcome")),
            rows=outcome_rows,
        )
    )
    statuses = ReferralStatus.choices
    charts.append(
        count_chart(
            "referrals-by-domain",
            _("Referrals by the initiative's domain"),
            _("Referrals made in the period, by the domain of the organisation behind the initiative and by status."),
            row_header=("domain", _("Domain")),
            categories=[d.name for d in domains],
            series=[(f"status:{value}", label, color) for (value, label), color in zip(statuses, cycle(PALETTE))],
            values=[[data.referrals.get((d.id, value), 0) for value, _label in statuses] for d in domains],
            horizontal=True,
        )
    )
    return charts


def _share(part, whole) -> Decimal | None:
    if not isinstance(part, int) or not isinstance(whole, int) or not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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
        keys=["age_group", "with_consent", "without_consent", "signals", "share", "reliability"],
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
    figure = plotly_figure(
        bar_traces(labels, [(_("Consent (%)"), PRIMARY, shares)], horizontal=True, unit="%"),
        **bar_layout(labels, 1, horizontal=True, max_value=100),
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
        row_header=("working_days", _("Working days")),
        categories=labels,
        series=[("signals", _("Signals"), PRIMARY)],
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
        "days": number_text(Decimal(str(data.median_working_days))),
        "count": contacted,
    }


def key_figures(signal_charts_: list[Chart], data: selectors.Signals) -> list[KeyFigure]:
    """The headline numbers, read from the charts' protected tables so they agree with them."""
    tables = {chart.slug: chart.table for chart in signal_charts_}
    total = tables["signals-by-kern"].total_cell("signals", default=0)
    consent_share = tables["consent"].total_cell("share")
    referrals = tables["referrals-by-domain"].total_cell("total", default=0)
    contacted = sum(data.first_contact.values())
    median = data.median_working_days if contacted >= SMALL_COUNT else None
    return [
        KeyFigure(_("Signals filed"), total),
        KeyFigure(
            _("With consent to be contacted"),
            f"{number_text(consent_share)}%" if isinstance(consent_share, Decimal) else "–",
            tables["consent"].total_cell("reliability"),
        ),
        KeyFigure(
            _("Median working days to first contact"),
            number_text(Decimal(str(median))) if median is not None else "–",
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
            row_header=("domain", _("Domain")),
            categories=[d.name for d in domains],
            series=[
                ("partners", _("Partners"), PRIMARY),
                ("activities", _("Activities"), AGE_GROUP_COLORS["jongeren"]),
            ],
            values=[[data.partners.get(d.id, 0), data.initiatives.get(d.id, 0)] for d in domains],
            horizontal=True,
            suppress=False,
        )
        # Partners and activities are different things: no row total.
        chart.table.drop_column("total")
        return PublicProgress(
            targets=target_panels(selectors.targets(), slug_prefix="progress"),
            coalition=chart,
            partner_total=sum(data.partners.values()),
            initiative_total=sum(data.initiatives.values()),
        )

    return cached("public-progress", get_language() or "", compute)
