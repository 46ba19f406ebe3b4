"""Who handles a signal, and by when the first contact is due."""

import datetime
from functools import cache

import holidays

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


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def find_rule(kern_id, age_group_id):
    """The first matching rule in order (empty kern or age group matches anything), else the default."""
    rules = RoutingRule.objects.filter(organisation__is_signal_handler=True, organisation__status="goedgekeurd")
    for rule in rules.order_by("is_default", "position", "pk"):
        if rule.is_default:
            return rule
        if (rule.kern_id in (None, kern_id)) and (rule.age_group_id in (None, age_group_id)):
            return rule
    return None
