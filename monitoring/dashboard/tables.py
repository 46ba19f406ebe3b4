"""A chart's numbers as a table: the accessible alternative to its figure on the page,
and its CSV download. Numbers are formatted here as ``localize`` and ``number_format``
would, without their per-value lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.formats import get_format, localize, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..progress import decimal_text
from .disclosure import is_hidden


@dataclass
class Table:
    """A chart's numbers. Cells hold ints, Decimals or text: the page localises numbers,
    the CSV writes them plainly. The first column holds the row headers.

    Each column has a key (``keys``) beside its header (``columns``, in the reader's
    language): code reads and changes a column by its key, never by its position, so a
    column added or left out elsewhere cannot shift what it reads. Keys of columns that
    come from the data carry a prefix ("age_group:ouderen", "status:gestart"), so that
    no code in the database can take a fixed column's key ("total")."""

    keys: list[str]
    columns: list[str]
    rows: list[list]
    total: list | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._check_keys()

    def _check_keys(self):
        if len(self.keys) != len(self.columns) or len(set(self.keys)) != len(self.keys):
            raise ValueError(f"A table needs one distinct key per column: {self.keys} for {self.columns}")

    def index(self, key: str) -> int:
        try:
            return self.keys.index(key)
        except ValueError:
            raise KeyError(key) from None

    def cell(self, row_header, key: str):
        """The value in column ``key`` of the row headed ``row_header``."""
        index = self.index(key)
        for row in self.rows:
            if row[0] == row_header:
                return row[index]
        raise KeyError(row_header)

    def total_cell(self, key: str, default=None):
        """The total row's value in column ``key``; ``default`` for a table without one
        (a chart with no categories)."""
        return self.total[self.index(key)] if self.total else default

    def column(self, key: str) -> list:
        """Column ``key``'s values, row by row, without the total."""
        index = self.index(key)
        return [row[index] for row in self.rows]

    def add_column(self, key: str, header: str, values, total="") -> None:
        """A last column: ``values`` row by row, and ``total`` in the total row."""
        self.keys.append(key)
        self.columns.append(header)
        for row, value in zip(self.rows, values, strict=True):
            row.append(value)
        if self.total:
            self.total.append(total)
        self._check_keys()

    def set_column(self, key: str, values, total) -> None:
        index = self.index(key)
        for row, value in zip(self.rows, values, strict=True):
            row[index] = value
        if self.total:
            self.total[index] = total

    def drop_column(self, key: str) -> None:
        index = self.index(key)
        for cells in [self.keys, self.columns, *self.rows, *([self.total] if self.total else [])]:
            del cells[index]

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
        return int_text(value)
    if type(value) is Decimal:
        return decimal_text(value)
    return conditional_escape(localize(value))


@lru_cache(maxsize=8)
def _grouping(language: str | None) -> tuple[int, str]:
    return get_format("NUMBER_GROUPING"), get_format("THOUSAND_SEPARATOR")


def int_text(value: int) -> str:
    """What ``localize(value)`` gives for an int, without its format lookups per call
    (a dashboard has over a thousand of them; they cost more than its SQL)."""
    if not settings.USE_THOUSAND_SEPARATOR or -1000 < value < 1000:
        return str(value)
    grouping, separator = _grouping(get_language())
    if grouping != 3:
        return localize(value)
    return f"{value:,}".replace(",", separator)


def number_text(value) -> str:
    """A number for a figure's label or a sentence: whole Decimals without decimals."""
    if type(value) is int:
        return int_text(value)
    if isinstance(value, Decimal):
        return decimal_text(value, 0 if value == value.to_integral_value() else 1)
    return number_format(value)
