"""The small-count rule: what the monitor may show of a count of people.

A count of people (signals, participants, referrals) from 1 to 4 shows as
"<5" in the table, the CSV and the figure alike. Where a row or column total would let a
reader work such a count out, one more count of that row or column is hidden as well
("×"): secondary suppression, so that every row and column with a hidden count has at
least two. Counts of organisations and activities are public (the partner list, the
social map) and are shown as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SMALL_COUNT = 5
LESS_THAN_FIVE = "<5"
HIDDEN = "×"


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


def suppression_note(cells) -> str:
    """What "<5" (and "×", where shown) mean, for the cells of a table."""
    note = _("<5: fewer than 5, not shown so that no one can be recognised.")
    if any(value == HIDDEN for row in cells for value in row):
        note += " " + _("×: hidden as well, so that a number under 5 cannot be worked out from the totals.")
    return note
