"""De Jong Gierveld survey imports.

A survey import is parse → validate → compute → store, and stores in one transaction:
a file with any error stores nothing. The command ``import_survey`` and the officers'
upload page both call :func:`import_survey_file` (the upload page in two steps: it keeps
the :class:`ParsedSurvey` between preview and confirm and then calls :func:`import_survey`).
The scoring itself is in ``monitoring.scoring`` (see docs/adr/0002-survey-scoring.md).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coalition.models import Kern

from .. import scoring
from ..models import FIRST_SURVEY_YEAR, Observation, Survey, SurveyResponse, Target
from .observations import record_observation_change, remove_demo_duplicates

# Survey files ------------------------------------------------------------------------

RESPONDENT, AGE, KERN, WEIGHT = "respondent", "age", "kern", "weight"
ITEM_COLUMNS = {f"djg{item}": item for item in scoring.FULL_SCALE}
KNOWN_COLUMNS = [RESPONDENT, AGE, KERN, WEIGHT, *ITEM_COLUMNS]
REQUIRED_COLUMNS = [RESPONDENT, AGE]
MAX_AGE = 120
MAX_ERRORS = 20  # listed in full; the rest are counted
MAX_VALUE_SHOWN = 40


@dataclass
class ParsedSurvey:
    """A survey file read and checked: what the preview shows and the confirm stores.

    Each row is ``(age, kern id or None, weight, answers)`` with ``answers`` the eleven
    item codes (None for an item not asked or not answered). The respondent column is
    read only to find duplicates; it is not kept. Plain lists, so that the upload page
    can keep it in the cache between preview and confirm.
    """

    scale: int
    has_kern: bool
    has_weight: bool
    rows: list = field(default_factory=list)

    @property
    def items(self) -> tuple[int, ...]:
        return scoring.SCALES[self.scale]

    def to_dict(self) -> dict:
        return {"scale": self.scale, "has_kern": self.has_kern, "has_weight": self.has_weight, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: dict) -> ParsedSurvey:
        return cls(
            scale=data["scale"],
            has_kern=data["has_kern"],
            has_weight=data["has_weight"],
            rows=[(age, kern, weight, list(answers)) for age, kern, weight, answers in data["rows"]],
        )


def _shown(value: str) -> str:
    value = value.strip()
    return value if len(value) <= MAX_VALUE_SHOWN else value[: MAX_VALUE_SHOWN - 1] + "…"


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:1024]:
        raise ValidationError(
            _("This is not a CSV file. Save the spreadsheet as CSV (comma or semicolon separated) and upload that."),
            code="not_csv",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel with Dutch regional settings saves CSV as Windows-1252.
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=counts.get)


def _kern_lookup() -> dict[str, int]:
    lookup = {}
    for kern in Kern.objects.all():
        for key in (kern.code, kern.name):
            lookup[_kern_key(key)] = kern.pk
    return lookup


def _kern_key(value: str) -> str:
    return " ".join(value.replace("’", "'").replace("‘", "'").split()).lower()


def _check_header(header: list[str]) -> tuple[list[str], int]:
    """The normalised column names and the scale they hold; ValidationError otherwise."""
    columns = [column.strip().lower() for column in header]
    errors = []
    for column in dict.fromkeys(columns):
        if column not in KNOWN_COLUMNS:
            errors.append(
                _("Unknown column “%(column)s”. Allowed are: respondent, age, kern, weight and djg1 … djg11.")
                % {"column": _shown(column) if column else _("(empty)")}
            )
        elif columns.count(column) > 1:
            errors.append(_("The column “%(column)s” appears more than once.") % {"column": column})
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            errors.append(_("The column “%(column)s” is missing.") % {"column": column})
    items = tuple(sorted(ITEM_COLUMNS[column] for column in set(columns) if column in ITEM_COLUMNS))
    scale = next((size for size, scale_items in scoring.SCALES.items() if items == scale_items), None)
    if scale is None:
        errors.append(
            _(
                "The answers must be in the columns djg1 … djg11 (the 11-item scale) or in exactly "
                "djg3, djg4, djg7, djg8, djg9 and djg10 (the 6-item short scale)."
            )
        )
    if errors:
        raise ValidationError(errors, code="header")
    return columns, scale


def _parse_age(value: str, row: int) -> int:
    text = value.strip()
    if not text:
        raise ValidationError(_("Row %(row)s, column age: the age is missing.") % {"row": row})
    if not text.isdigit() or int(text) > MAX_AGE:
        raise ValidationError(
            _("Row %(row)s, column age: ‘%(value)s’ is not an age in whole years.")
            % {"row": row, "value": _shown(text)}
        )
    return int(text)


def _parse_weight(value: str, row: int) -> float:
    text = value.strip()
    if not text:
        raise ValidationError(
            _("Row %(row)s, column weight: the weight is missing (the file has a weight column).") % {"row": row}
        )
    try:
        weight = float(text.replace(",", "."))
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight):
        raise ValidationError(
            _("Row %(row)s, column weight: ‘%(value)s’ is not a number.") % {"row": row, "value": _shown(text)}
        )
    if weight <= 0:
        raise ValidationError(
            _("Row %(row)s, column weight: ‘%(value)s’ is not greater than 0.") % {"row": row, "value": _shown(text)}
        )
    return weight


def _readable_rows(reader):
    """The reader's rows; a row the csv module cannot read (a cell over its 128 KiB limit,
    a quotation mark never closed) is an error of the file, not of the server."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(
                _("Row %(row)s cannot be read as CSV: a cell is too long, or a quotation mark is not closed.")
                % {"row": reader.line_num},
                code="not_csv",
            ) from error
        yield cells


def parse_survey(data: bytes | str, progress=None) -> ParsedSurvey:
    """Read a survey CSV and check every cell; a ValidationError lists what is wrong, by row and column.

    Rows are numbered as a spreadsheet shows them: the header is row 1. ``progress`` (a
    background import's ``common.import_jobs.Progress``) is told about each row.
    """
    text = _decode(data)
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    lines = _readable_rows(reader)
    columns, scale = _check_header(next(lines))
    has_kern, has_weight = KERN in columns, WEIGHT in columns
    kernen = _kern_lookup() if has_kern else {}
    parsed = ParsedSurvey(scale=scale, has_kern=has_kern, has_weight=has_weight)
    errors, seen_respondents = [], {}

    for cells in lines:
        row = reader.line_num
        if progress is not None:
            progress.advance()
        if not any(cell.strip() for cell in cells):
            continue  # empty lines below the data
        if len(cells) > len(columns):
            errors.append(_("Row %(row)s has more cells than the header has columns.") % {"row": row})
            continue
        values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        row_errors = []
        age = kern = None
        weight = 1.0
        try:
            age = _parse_age(values[AGE], row)
        except ValidationError as error:
            row_errors.extend(error.messages)
        if has_weight:
            try:
                weight = _parse_weight(values[WEIGHT], row)
            except ValidationError as error:
                row_errors.extend(error.messages)
        kern_text = values.get(KERN, "").strip()
        if kern_text:
            kern = kernen.get(_kern_key(kern_text))
            if kern is None:
                row_errors.append(
                    _("Row %(row)s, column kern: ‘%(value)s’ is not a village of Westland.")
                    % {"row": row, "value": _shown(kern_text)}
                )
        respondent = values[RESPONDENT].strip()
        if respondent:
            if respondent in seen_respondents:
                row_errors.append(
                    _("Row %(row)s, column respondent: ‘%(value)s’ is already in row %(first)s.")
                    % {"row": row, "value": _shown(respondent), "first": seen_respondents[respondent]}
                )
            else:
                seen_respondents[respondent] = row
        answers = [None] * len(scoring.FULL_SCALE)
        for column, item in ITEM_COLUMNS.items():
            if column not in values:
                continue
            try:
                answers[item - 1] = scoring.parse_answer(values[column])
            except ValueError:
                row_errors.append(
                    _(
                        "Row %(row)s, column %(column)s: ‘%(value)s’ is not an allowed answer "
                        "(ja, min of meer, nee or 3, 2, 1)."
                    )
                    % {"row": row, "column": column, "value": _shown(values[column])}
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.rows.append((age, kern, weight, answers))

    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            rest = len(errors) - MAX_ERRORS
            shown.append(
                ngettext("… and %(count)s more error.", "… and %(count)s more errors.", rest) % {"count": rest}
            )
        raise ValidationError(shown, code="invalid")
    if not parsed.rows:
        raise ValidationError(_("The file has no responses."), code="empty")
    return parsed


# Computing and storing ---------------------------------------------------------------


def as_percent(fraction: float | None) -> Decimal | None:
    """A fraction as a percentage with one decimal, rounded half up (0.12345 → 12.3)."""
    if fraction is None:
        return None
    return Decimal(f"{fraction * 100:.6f}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class GroupResult:
    """A target's prevalence in the whole municipality (``kern`` None) or in one village."""

    target: Target
    kern: Kern | None
    prevalence: scoring.Prevalence

    @property
    def stored(self) -> bool:
        return self.prevalence.counted > 0

    @property
    def value(self) -> Decimal | None:
        return as_percent(self.prevalence.share)

    @property
    def ci_low(self) -> Decimal | None:
        return as_percent(self.prevalence.ci_low)

    @property
    def ci_high(self) -> Decimal | None:
        return as_percent(self.prevalence.ci_high)

    @property
    def respondents(self) -> int:
        return self.prevalence.counted

    @property
    def left_out(self) -> int:
        return self.prevalence.left_out


@dataclass
class TargetResult:
    """What a survey says about one target: nothing (not covered, not measurable) or groups."""

    target: Target
    score_range: tuple[int, int] | None
    covered: bool
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def measurable(self) -> bool:
        return self.score_range is not None

    @property
    def stored_groups(self) -> list[GroupResult]:
        return [group for group in self.groups if group.stored]


def _in_population(target: Target, age: int) -> bool:
    return age >= target.min_age and (target.max_age is None or age <= target.max_age)


def compute_survey(parsed: ParsedSurvey) -> list[TargetResult]:
    """Per target: the prevalence in its population, for Westland and for each village in the file."""
    kernen = Kern.objects.in_bulk({kern for _age, kern, _weight, _answers in parsed.rows if kern is not None})
    scored = [
        (age, kern, weight, scoring.total_score(dict(enumerate(answers, start=1)), parsed.items))
        for age, kern, weight, answers in parsed.rows
    ]
    results = []
    for target in Target.objects.order_by("position", "code"):
        population = [row for row in scored if _in_population(target, row[0])]
        score_range = scoring.scale_range(parsed.scale, target.score_min, target.score_max)
        result = TargetResult(target=target, score_range=score_range, covered=bool(population))
        if population and score_range:
            low, high = score_range
            groups = [(None, population)]
            if parsed.has_kern:
                for kern in sorted(
                    {row[1] for row in population if row[1] is not None},
                    key=lambda pk: (kernen[pk].position, kernen[pk].name),
                ):
                    groups.append((kernen[kern], [row for row in population if row[1] == kern]))
            for kern, rows in groups:
                prevalence = scoring.prevalence([(total, weight) for _a, _k, weight, total in rows], low, high)
                result.groups.append(GroupResult(target=target, kern=kern, prevalence=prevalence))
        results.append(result)
    return results


def validate_survey_details(year, source: str) -> None:
    errors = {}
    this_year = datetime.date.today().year
    if not isinstance(year, int) or not FIRST_SURVEY_YEAR <= year <= this_year:
        errors["year"] = _("Give the year of the survey, from %(first)s to %(last)s.") % {
            "first": FIRST_SURVEY_YEAR,
            "last": this_year,
        }
    if not source or not source.strip():
        errors["source"] = _("Say where the survey comes from (who held it, and which one).")
    elif len(source.strip()) > Survey._meta.get_field("source").max_length:
        errors["source"] = _("The source is too long (at most 300 characters).")
    if errors:
        raise ValidationError(errors)


def _check_results(results: list[TargetResult], year: int, source: str) -> None:
    stored = [group for result in results for group in result.stored_groups]
    if not stored:
        raise ValidationError(
            _(
                "Nothing can be stored from this file: no respondent belongs to the population of a target, "
                "or nobody answered every item."
            ),
            code="nothing",
        )
    existing = Observation.objects.real().filter(year=year, source=source.strip())
    clashes = sorted(
        {group.target.code for group in stored if existing.filter(target=group.target, kern=group.kern).exists()}
    )
    if clashes:
        raise ValidationError(
            _(
                "There are already observations for %(year)s from “%(source)s” (%(targets)s). Was this survey "
                "imported before? Correct those observations, or describe the source of this one differently."
            )
            % {"year": year, "source": source.strip(), "targets": ", ".join(clashes)},
            code="imported_before",
        )


def preview_survey(parsed: ParsedSurvey, *, year: int, source: str) -> list[TargetResult]:
    """What :func:`import_survey` would store; a ValidationError when it would refuse."""
    validate_survey_details(year, source)
    results = compute_survey(parsed)
    _check_results(results, year, source)
    return results


@transaction.atomic
def import_survey(
    parsed: ParsedSurvey, *, year: int, source: str, user=None, file_name: str = ""
) -> tuple[Survey, list[TargetResult]]:
    """Store a checked survey: its anonymous responses, and one observation per target and group."""
    source = (source or "").strip()
    validate_survey_details(year, source)
    # One import at a time, so that two officers confirming the same file cannot both store it.
    list(Target.objects.select_for_update().order_by("pk"))
    results = compute_survey(parsed)
    _check_results(results, year, source)

    survey = Survey.objects.create(
        year=year, source=source, scale=parsed.scale, file_name=file_name[:255], imported_by=user
    )
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey=survey,
                age=age,
                kern_id=kern,
                weight=weight,
                **{f"djg{item}": answers[item - 1] for item in parsed.items},
            )
            for age, kern, weight, answers in parsed.rows
        ],
        batch_size=1000,
    )
    for result in results:
        for group in result.stored_groups:
            observation = Observation.objects.create(
                target=result.target,
                year=year,
                kern=group.kern,
                value=group.value,
                ci_low=group.ci_low,
                ci_high=group.ci_high,
                respondents=group.respondents,
                left_out=group.left_out,
                source=source,
                note=_("Computed from an imported survey (%(scale)s items, %(responses)s responses).")
                % {"scale": parsed.scale, "responses": len(parsed.rows)},
                survey=survey,
                entered_by=user,
            )
            remove_demo_duplicates(observation)
            record_observation_change(observation, {}, user)
    return survey, results


@transaction.atomic
def import_survey_file(
    data: bytes | str, *, year: int, source: str, user=None, file_name: str = "", progress=None
) -> tuple[Survey, list[TargetResult]]:
    """Parse, validate, compute and store a survey file in one transaction (the command's way)."""
    validate_survey_details(year, source)
    parsed = parse_survey(data, progress)
    return import_survey(parsed, year=year, source=source, user=user, file_name=file_name)


def survey_rows(data: bytes) -> int:
    """Responses in a survey file, roughly (its lines less the header): whether it goes to a worker."""
    return max(len(data.splitlines()) - 1, 0)
