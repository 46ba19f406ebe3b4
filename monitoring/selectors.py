"""Read models for the dashboard, the public progress page and the council report.

Every breakdown is one query whose grouping and counting the database does, so a page
costs the same number of queries however many signals, partners or reports there are.
Results are plain Python values (dicts of counts keyed by ids), cached under the data
version of ``dashboard/cache.py``.

Officers see aggregates only (docs/design.md, "Users and roles"): nothing here returns a
signal's personal fields, and small counts are suppressed where they are shown
(``dashboard/disclosure.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Func, IntegerField, Prefetch, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from coalition.constants import InitiativeStatus, OrganisationStatus
from coalition.models import AgeGroup, Domain, Initiative, Kern, Organisation, ReachCount
from common.periods import Quarter
from signals.constants import MISUSE, Source
from signals.models import Outcome, Referral, Signal

from .dashboard.cache import cached
from .models import Observation, Target
from .progress import Measurement, Plan, Progress, assess

DEFAULT_MONTHS = 12


# Filters ----------------------------------------------------------------------------


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: months ``start``…``end`` (both the first of a month,
    inclusive) and optionally one domain, age group and village (by id)."""

    start: datetime.date
    end: datetime.date
    domain: int | None = None
    age_group: int | None = None
    kern: int | None = None
    include_demo: bool = False

    @classmethod
    def default(cls, today: datetime.date | None = None, **kwargs) -> Filters:
        """The last twelve months, this one included."""
        end = first_of_month(today or timezone.localdate())
        return cls(start=add_months(end, 1 - DEFAULT_MONTHS), end=end, **kwargs)

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def quarters(self) -> list[tuple[int, int]]:
        return sorted({Quarter.of(month).as_tuple() for month in self.months})

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes in the portal's time zone: [from, until)."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        until = datetime.datetime.combine(add_months(self.end, 1), datetime.time.min, tzinfo=tz)
        return start, until

    @property
    def key(self) -> str:
        return (
            f"{self.start:%Y-%m}_{self.end:%Y-%m}_d{self.domain or ''}_a{self.age_group or ''}"
            f"_k{self.kern or ''}_{int(self.include_demo)}"
        )


# Reference data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Reference:
    domains: list[Item]
    age_groups: list[Item]
    kernen: list[Item]
    outcomes: list[Item]


def _items(queryset) -> list[Item]:
    return [Item(*row) for row in queryset.order_by("position", "name").values_list("id", "code", "name")]


def reference() -> Reference:
    """Domains, age groups, villages and outcomes in their order (active ones)."""

    def compute():
        return Reference(
            domains=_items(Domain.objects.active()),
            age_groups=_items(AgeGroup.objects.active()),
            kernen=_items(Kern.objects.active()),
            outcomes=_items(Outcome.objects.active()),
        )

    return cached("reference", "all", compute)


# Targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSummary:
    code: str
    title: str
    population: str
    indicator: str
    source: str
    baseline_note: str
    notes: str
    plan: Plan
    measurements: list[Measurement]  # real figures, whole municipality, by year
    demo: list[Measurement] = field(default_factory=list)  # demo figures: never mixed in

    @property
    def progress(self) -> Progress:
        return assess(self.plan, self.measurements)

    @property
    def demo_progress(self) -> Progress | None:
        """Where demo data would put the target: only to show how the monitor works."""
        return assess(self.plan, self.demo) if self.demo else None


def _measurement(observation: Observation) -> Measurement:
    return Measurement(
        year=observation.year,
        value=observation.value,
        ci_low=observation.ci_low,
        ci_high=observation.ci_high,
        respondents=observation.respondents,
        source=observation.source,
    )


def targets() -> list[TargetSummary]:
    """The targets with their measurements for the whole municipality (kern empty)."""

    def compute():
        observations = Observation.objects.filter(kern__isnull=True).order_by("year", "pk")
        summaries = []
        for target in Target.objects.order_by("position", "code").prefetch_related(
            Prefetch("observations", queryset=observations, to_attr="municipal")
        ):
            summaries.append(
                TargetSummary(
                    code=target.code,
                    title=target.title,
                    population=target.population,
                    indicator=target.indicator,
                    source=target.source,
                    baseline_note=target.baseline_note,
                    notes=target.notes,
                    plan=Plan(target.baseline_value, target.baseline_year, target.target_value, target.target_year),
                    measurements=[_measurement(o) for o in target.municipal if not o.is_demo],
                    demo=[_measurement(o) for o in target.municipal if o.is_demo],
                )
            )
        return summaries

    return cached("targets", "all", compute)


# Coalition --------------------------------------------------------------------------


@dataclass(frozen=True)
class Coalition:
    partners: dict[int, int]  # domain id → approved partners
    initiatives: dict[int, int]  # domain id → active initiatives on the social map
    initiatives_by_age: dict[tuple[int, int], int]  # (domain id, age group id) → initiatives
    reach: dict[tuple[tuple[int, int], int], int]  # ((year, quarter), age group id) → participants


class Row(Func):
    """A row value, ``(a, b)``: PostgreSQL and SQLite compare them column by column."""

    template = "(%(expressions)s)"
    output_field = IntegerField()


def _counts(rows, *keys, value="n") -> dict:
    counts = {}
    for row in rows:
        key = row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)
        counts[key] = row[value]
    return counts


def coalition(filters: Filters, *, breakdowns: bool = True) -> Coalition:
    """Partners and initiatives now (by domain, village and age group), and the reach
    reported for the quarters of the period. Without ``breakdowns`` only the partners and
    initiatives per domain (the public progress page): summing the reach of every report
    of the period is the monitor's most expensive query, and that page does not show it."""

    def compute():
        partners = Organisation.objects.approved()
        initiatives = Initiative.objects.filter(
            status=InitiativeStatus.ACTIVE, organisation__status=OrganisationStatus.APPROVED
        )
        reach = ReachCount.objects.all()
        if not filters.include_demo:
            partners = partners.filter(is_demo=False)
            initiatives = initiatives.filter(is_demo=False, organisation__is_demo=False)
            reach = reach.filter(is_demo=False)
        if filters.domain:
            partners = partners.filter(domain_id=filters.domain)
            initiatives = initiatives.filter(organisation__domain_id=filters.domain)
            reach = reach.filter(initiative__organisation__domain_id=filters.domain)
        if filters.kern:
            # An organisation or initiative names a village once: no duplicate rows.
            partners = partners.filter(kernen=filters.kern)
            initiatives = initiatives.filter(kernen=filters.kern)
            reach = reach.filter(initiative__kernen=filters.kern)
        if filters.age_group:
            reach = reach.filter(age_group_id=filters.age_group)
        (first_year, first_quarter), (last_year, last_quarter) = filters.quarters[0], filters.quarters[-1]
        # The report's quarter and demo flag as copied onto its counts: one index holds
        # what this sums (coalition.ReachCount, reach_count_quarter_idx), and the period
        # as row values is one range of it (an OR of years and quarters is not).
        quarter = Row("year", "quarter")
        reach = reach.filter(
            GreaterThanOrEqual(quarter, Row(Value(first_year), Value(first_quarter))),
            LessThanOrEqual(quarter, Row(Value(last_year), Value(last_quarter))),
        )
        # With an age group chosen, the totals count only initiatives for that age group.
        # No COUNT(DISTINCT) below: every join here gives an initiative at most one row per
        # group (one organisation, one chosen village and age group, or its age groups
        # grouped by age group), and DISTINCT made PostgreSQL sort them (10× Westland:
        # ≈10.6 ms against ≈7.1 ms).
        counted = initiatives.filter(age_groups=filters.age_group) if filters.age_group else initiatives
        reach_rows = reach.values("year", "quarter", "age_group").annotate(n=Sum("participants"))
        totals = {
            "partners": _counts(partners.values("domain").annotate(n=Count("pk")).order_by(), "domain"),
            "initiatives": _counts(
                counted.values("organisation__domain").annotate(n=Count("pk")).order_by(),
                "organisation__domain",
            ),
        }
        if not breakdowns:
            return Coalition(**totals, initiatives_by_age={}, reach={})
        return Coalition(
            **totals,
            initiatives_by_age=_counts(
                initiatives.filter(age_groups__isnull=False)
                .values("organisation__domain", "age_groups")
                .annotate(n=Count("pk"))
                .order_by(),
                "organisation__domain",
                "age_groups",
            ),
            reach={((row["year"], row["quarter"]), row["age_group"]): row["n"] for row in reach_rows.order_by()},
        )

    return cached("coalition" if breakdowns else "coalition-totals", filters.key, compute)


# Signals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signals:
    by_month: dict[tuple[str, int], int]  # ("2026-03", age group id) → signals
    by_domain: dict[int | None, int]  # filer's domain id (None: no organisation) → signals
    by_kern: dict[int, int]
    by_source: dict[str, int]  # signals.constants.Source value → signals
    consent: dict[int, tuple[int, int]]  # age group id → (signals, with consent), where consent was asked
    first_contact: dict[int, int]  # working days from filing to first contact → signals
    outcomes: dict[int | None, int]  # outcome id (None: not closed) → signals
    referrals: dict[tuple[int, str], int]  # (initiative's domain id, referral status) → referrals

    @property
    def total(self) -> int:
        return sum(self.by_kern.values())

    @property
    def median_working_days(self) -> float | None:
        return weighted_median(self.first_contact)


def weighted_median(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how often}."""
    total = sum(counts.values())
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2  # 0-based positions of the middle value(s)
    seen, found = 0, {}
    for value in sorted(counts):
        following = seen + counts[value]
        for position in (lower, upper):
            if seen <= position < following:
                found[position] = value
        seen = following
    return (found[lower] + found[upper]) / 2


def _month_key(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


def signals(filters: Filters) -> Signals:
    """Signals filed in the period, and referrals made in it."""

    def compute():
        start, until = filters.period()
        filed = Signal.objects.filter(created_at__gte=start, created_at__lt=until)
        referrals = Referral.objects.filter(created_at__gte=start, created_at__lt=until)
        if not filters.include_demo:
            filed = filed.filter(is_demo=False)
            # Leaving out the (few) demo signals' referrals this way needs no join with
            # every signal there is (signals.Signal's partial index "signal_demo_idx").
            referrals = referrals.exclude(signal__in=Signal.objects.filter(is_demo=True))
        if filters.age_group:
            filed = filed.filter(age_group_id=filters.age_group)
            referrals = referrals.filter(signal__age_group_id=filters.age_group)
        if filters.kern:
            filed = filed.filter(kern_id=filters.kern)
            referrals = referrals.filter(signal__kern_id=filters.kern)
        if filters.domain:
            # The organisation involved: the partner that filed, the one behind the initiative.
            filed = filed.filter(filed_for__domain_id=filters.domain)
            referrals = referrals.filter(initiative__organisation__domain_id=filters.domain)
        filed = filed.order_by()  # no default ordering in GROUP BY
        # Every figure leaves out pranks (closed as misuse); only the outcomes show them.
        all_filed, filed = filed, filed.exclude(outcome__code=MISUSE)

        by_month = {
            (_month_key(row["month"]), row["age_group"]): row["n"]
            for row in filed.annotate(month=TruncMonth("created_at"))
            .values("month", "age_group")
            .annotate(n=Count("pk"))
        }
        first_contact = _counts(
            filed.filter(working_days_to_first_contact__isnull=False)
            .values("working_days_to_first_contact")
            .annotate(n=Count("pk")),
            "working_days_to_first_contact",
        )
        # Consent is asked on the staff form only: a resident asking for themselves always
        # agrees, one reporting about someone else could not ask that person.
        consent = (
            filed.filter(source=Source.PARTNER_STAFF)
            .values("age_group")
            .annotate(n=Count("pk"), yes=Count("pk", filter=Q(consent=True)))
        )
        return Signals(
            by_month=by_month,
            by_domain=_counts(filed.values("filed_for__domain").annotate(n=Count("pk")), "filed_for__domain"),
            by_kern=_counts(filed.values("kern").annotate(n=Count("pk")), "kern"),
            by_source=_counts(filed.values("source").annotate(n=Count("pk")), "source"),
            consent={row["age_group"]: (row["n"], row["yes"]) for row in consent},
            first_contact=first_contact,
            outcomes=_counts(all_filed.values("outcome").annotate(n=Count("pk")), "outcome"),
            referrals=_counts(
                referrals.values("initiative__organisation__domain", "status").annotate(n=Count("pk")).order_by(),
                "initiative__organisation__domain",
                "status",
            ),
        )

    return cached("signals", filters.key, compute)
