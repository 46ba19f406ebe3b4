"""Who handles a signal, and by when the first contact is due."""

import datetime
from functools import cache

import holidays

from coalition.constants import Role
from coalition.models import Membership, Organisation

from .models import RoutingRule


@cache
def _dutch_holidays(year: int):
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start``, skipping weekends and Dutch public holidays."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


@cache
def _working_days_through(year: int) -> tuple[int, ...]:
    """For each day of ``year`` (by day of the year, from 0): the working days from 1 January
    up to and including that day."""
    counts, total, day = [], 0, datetime.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += datetime.timedelta(days=1)
    return tuple(counts)


def _through(day: datetime.date) -> int:
    return _working_days_through(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start).

    Counted from a table per year, not day by day: the monitor asks this for every
    (filing day, first contact) pair of a period."""
    if end <= start:
        return 0
    whole_years = sum(_working_days_through(year)[-1] for year in range(start.year, end.year))
    return _through(end) - _through(start) + whole_years


def staffed_signaalpunten():
    """Approved Signaalpunten with at least one active opvolger: the only ones a signal may go to."""
    staffed = Membership.objects.with_role(Role.HANDLER).values("organisation_id")
    return Organisation.objects.signal_handlers().filter(pk__in=staffed)


def find_rule(kern_id, age_group_id):
    """The first matching rule in order (empty kern or age group matches anything), else the
    default; only rules whose organisation is an approved Signaalpunt with at least one
    active opvolger count, so that a signal never goes to an organisation nobody works at.
    None: the signal waits for a route (docs/adr/0008)."""
    rules = RoutingRule.objects.filter(organisation__in=staffed_signaalpunten())
    for rule in rules.order_by("is_default", "position", "pk"):
        if rule.is_default:
            return rule
        if (rule.kern_id in (None, kern_id)) and (rule.age_group_id in (None, age_group_id)):
            return rule
    return None
