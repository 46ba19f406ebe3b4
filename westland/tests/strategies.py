"""Hypothesis strategies for hostile input: what a confused user, a broken client or an
attacker may put in a form field, a query string, a CSV cell or an uploaded file.

Used by every ``test_bad_input.py``; a new form needs no new strategy.
"""

import string

from hypothesis import strategies as st

# Payloads that have broken web applications before: markup and script, template and
# format syntax, SQL, spreadsheet formulas, path traversal, odd numbers.
CLASSIC_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "%(name)s %s %d {0} {}",
    "'; DROP TABLE signals_signal; --",
    "' OR '1'='1",
    '=HYPERLINK("https://evil.example","klik")',
    "+31 6 1234 5678",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "../../../../etc/passwd",
    "NaN",
    "Infinity",
    "-1",
    "1e309",
    "9" * 40,
    "0x1A",
    "٣",  # an Arabic-Indic digit: isdigit() says yes, int() too
    "١٢",
    "Ⅻ",
    "²",
    "",
    " ",
    "\u200b",  # zero-width space
    "\u202eevil",  # right-to-left override
    "e\u0301" * 3,  # combining accents
    "👩‍👩‍👧‍👦",
    "\ufeff",
    "\x00",
    "a\x00b",
    "null",
    "None",
    "[]",
    "{}",
    "true",
    "2026-02-30",
    "31-12-9999",
    "0000-00-00",
]

# Control characters, null bytes included: PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = "".join(chr(code) for code in range(32)) + "\x7f"

unicode_text = st.text(max_size=300)
control_text = st.text(alphabet=CONTROL_CHARACTERS + string.ascii_letters, min_size=1, max_size=50)
classic_payloads = st.sampled_from(CLASSIC_PAYLOADS)


@st.composite
def very_long_text(draw):
    """Text far beyond any field's max_length (and beyond csv's default field limit of 128 KiB)."""
    unit = draw(st.sampled_from(["a", "é", "👍", "<b>", "=", "1", " ", "\x00"]))
    size = draw(st.sampled_from([1001, 5000, 70_000, 140_000]))
    return unit * size


# One hostile text value.
hostile_text = st.one_of(unicode_text, control_text, classic_payloads, very_long_text())

# A value as a form post carries it: text, several values for one name (a field that
# expects one), or the field left out altogether (None).
hostile_value = st.one_of(
    hostile_text,
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=3),
    st.none(),
)


def hostile_changes(fields):
    """One to three of ``fields`` with hostile values (None: left out); see :func:`merge`.

    Drawn without the valid payload, so a test can pin a found input with
    ``@example(changes={...})`` and merge it into a payload that needs the database.
    """
    fields = list(fields)
    return st.dictionaries(keys=st.sampled_from(fields), values=hostile_value, min_size=1, max_size=min(3, len(fields)))


def hostile_payload(valid: dict, fields):
    """A valid form payload with one to three of ``fields`` replaced by hostile values."""
    return hostile_changes(fields).map(lambda changes: merge(valid, changes))


def merge(valid: dict, changes: dict) -> dict:
    data = {**valid}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def encodings():
    return st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


@st.composite
def hostile_csv(draw, header: list[str], good_row: list[str]):
    """A CSV file built from a good header and row, with hostile cells, rows and bytes in it."""
    rows = [list(header)]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        row = list(good_row)
        for index in draw(st.sets(st.integers(min_value=0, max_value=len(row) - 1), max_size=3)):
            row[index] = draw(hostile_text)
        if draw(st.booleans()):
            row = row + [draw(hostile_text)] * draw(st.integers(min_value=1, max_value=3))  # too many cells
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))

    def cell(value):
        value = str(value)
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "\n".join(delimiter.join(cell(value) for value in row) for row in rows) + "\n"
    encoding = draw(encodings())
    data = text.encode(encoding, errors="replace")
    mangle = draw(st.sampled_from(["none", "none", "truncate", "garbage", "binary"]))
    if mangle == "truncate" and data:
        data = data[: draw(st.integers(min_value=0, max_value=len(data) - 1))]
    elif mangle == "garbage":
        data = data + draw(st.binary(min_size=1, max_size=200))
    elif mangle == "binary":
        data = draw(st.binary(max_size=2000))
    return data
