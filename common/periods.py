"""Calendar periods every app counts in: the quarter (reach reports, reminders, the monitor)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2026, 1)`` is January to March 2026."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (1 if self.quarter == 1 else 0), (self.quarter - 2) % 4 + 1)

    def as_tuple(self) -> tuple[int, int]:
        return self.year, self.quarter

    def __str__(self):
        return f"{self.year}-Q{self.quarter}"
