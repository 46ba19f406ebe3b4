"""Progress toward a 2028 target: the status and the share of the gap closed.

Plain arithmetic on numbers, no database, so that the rules (docs/design.md, "Monitoring:
what officers look at") can be checked by hand. Lower is better for every target:

- behaald: the latest measurement is at or below the target;
- op koers: it is at or below the straight path from baseline to target in the year
  it was measured;
- achter: it is above that path;
- geen nieuwe meting: nothing was measured after the baseline year.

The share of the gap closed is (baseline − latest) / (baseline − target), as a percentage:
0% is no change since the baseline, 100% is the target reached, below 0% is worse than
the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# The plan runs 2019–2028. A baseline without a year (the youth figure, "consulted on
# 29-01-2019") starts the path in the year the plan consulted it.
PROGRAMME_START_YEAR = 2019
# A survey share from fewer respondents than this is marked unreliable.
MIN_RESPONDENTS = 30

ONE_DECIMAL = Decimal("0.1")


class Status(models.TextChoices):
    ACHIEVED = "behaald", gettext_lazy("achieved")
    ON_TRACK = "op_koers", gettext_lazy("on track")
    BEHIND = "achter", gettext_lazy("behind")
    NO_NEW_MEASUREMENT = "geen_nieuwe_meting", gettext_lazy("no new measurement")


@dataclass(frozen=True)
class Measurement:
    year: int
    value: Decimal
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    respondents: int | None = None
    source: str = ""

    @property
    def is_unreliable(self) -> bool:
        """Fewer than 30 respondents; unknown (the plan's own figures) is not marked."""
        return self.respondents is not None and self.respondents < MIN_RESPONDENTS


@dataclass(frozen=True)
class Plan:
    """A target's baseline and 2028 value: the straight path between them."""

    baseline_value: Decimal
    baseline_year: int | None
    target_value: Decimal
    target_year: int

    @property
    def start_year(self) -> int:
        return self.baseline_year or PROGRAMME_START_YEAR

    def path_value(self, year: int) -> Decimal:
        """Where the straight path stands in ``year``: the baseline before it starts, the
        target from the target year on."""
        if year <= self.start_year:
            return self.baseline_value
        if year >= self.target_year:
            return self.target_value
        fraction = Decimal(year - self.start_year) / Decimal(self.target_year - self.start_year)
        return self.baseline_value + (self.target_value - self.baseline_value) * fraction

    def gap_closed(self, value: Decimal) -> Decimal | None:
        """(baseline − value) / (baseline − target) as a percentage, one decimal."""
        gap = self.baseline_value - self.target_value
        if gap == 0:
            return None
        return ((self.baseline_value - value) / gap * 100).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    status: Status
    latest: Measurement | None = None
    path_value: Decimal | None = None
    gap_closed: Decimal | None = None


def assess(plan: Plan, measurements) -> Progress:
    """The status of a target from its measurements (any order; earlier ones are ignored)."""
    new = [m for m in measurements if m.year > plan.start_year]
    if not new:
        return Progress(Status.NO_NEW_MEASUREMENT)
    latest = max(new, key=lambda m: m.year)
    path = plan.path_value(latest.year)
    if latest.value <= plan.target_value:
        status = Status.ACHIEVED
    elif latest.value <= path:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return Progress(
        status=status,
        latest=latest,
        path_value=path.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP),
        gap_closed=plan.gap_closed(latest.value),
    )


def percent(value: Decimal | None) -> str:
    """A percentage in the active language's notation ("37,5%" in Dutch)."""
    if value is None:
        return "–"
    decimals = 0 if value == value.to_integral_value() else 1
    return f"{decimal_text(value, decimals)}%"


@lru_cache(maxsize=8)
def _decimal_separator(language: str | None) -> str:
    return get_format("DECIMAL_SEPARATOR")


def decimal_text(value: Decimal, decimal_pos: int | None = None) -> str:
    """``number_format(value, decimal_pos=decimal_pos)`` for a Decimal, without its format
    lookups per call: the dashboard formats thousands of measurements (its figures' hover
    texts and tables), and those lookups cost more than its SQL. Numbers that Django would
    group or write in scientific notation go to number_format itself."""
    if settings.USE_THOUSAND_SEPARATOR or not value.is_finite() or not -(10**15) < value < 10**15:
        return number_format(value, decimal_pos=decimal_pos)
    if decimal_pos is not None and abs(value) < Decimal("0." + "1".rjust(decimal_pos, "0")):
        value = Decimal("0")
    text = f"{value:f}"
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    int_part, _dot, dec_part = text.partition(".")
    if decimal_pos is not None:
        dec_part = dec_part[:decimal_pos]
        dec_part += "0" * (decimal_pos - len(dec_part))
    return sign + int_part + (_decimal_separator(get_language()) + dec_part if dec_part else "")


def describe(plan: Plan, progress: Progress) -> str:
    """One plain sentence saying where a target stands."""
    baseline = {
        "baseline": percent(plan.baseline_value),
        "target": percent(plan.target_value),
        "target_year": plan.target_year,
    }
    if progress.latest is None:
        if plan.baseline_year is None:
            return (
                _("There is no measurement since the baseline of %(baseline)s yet, so we cannot say how it is going.")
                % baseline
            )
        return _(
            "There is no measurement after %(year)s yet, so we cannot say how it is going. "
            "The aim is to go from %(baseline)s to %(target)s in %(target_year)s."
        ) % {**baseline, "year": plan.baseline_year}
    values = {
        **baseline,
        "year": progress.latest.year,
        "value": percent(progress.latest.value),
        "path": percent(progress.path_value),
        "gap": percent(progress.gap_closed),
    }
    if progress.status == Status.ACHIEVED:
        return (
            _(
                "In %(year)s it was %(value)s: the target of %(target)s for %(target_year)s has been reached "
                "(%(gap)s of the way from the baseline of %(baseline)s)."
            )
            % values
        )
    if progress.gap_closed is not None and progress.gap_closed < 0:
        return (
            _(
                "In %(year)s it was %(value)s: higher than the baseline of %(baseline)s, so further from the "
                "target of %(target)s, and above the %(path)s the straight path to the target aims for that year."
            )
            % values
        )
    if progress.status == Status.ON_TRACK:
        return (
            _(
                "In %(year)s it was %(value)s, at or below the %(path)s the straight path to the target aims for "
                "that year: on track, with %(gap)s of the way from %(baseline)s to %(target)s done."
            )
            % values
        )
    return (
        _(
            "In %(year)s it was %(value)s, above the %(path)s the straight path to the target aims for that "
            "year: behind, with %(gap)s of the way from %(baseline)s to %(target)s done."
        )
        % values
    )
