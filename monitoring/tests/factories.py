"""Factories and builders for monitoring tests: observations and survey files."""

from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring import scoring
from monitoring.models import Observation, Target


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    target = factory.LazyFunction(lambda: Target.objects.get(code="volwassenen"))
    year = 2022
    value = Decimal("35.0")
    ci_low = Decimal("32.0")
    ci_high = Decimal("38.0")
    respondents = 800
    left_out = 12
    source = factory.Sequence(lambda n: f"GGD Haaglanden, Gezondheidsmonitor (meting {n})")


# The answer that points at loneliness, and the one that does not, per item.
LONELY = {item: "ja" if item in scoring.EMOTIONAL_ITEMS else "nee" for item in scoring.FULL_SCALE}
NOT_LONELY = {item: "nee" if item in scoring.EMOTIONAL_ITEMS else "ja" for item in scoring.FULL_SCALE}


def answers_with_total(total, scale=11):
    """Answers to ``scale``'s items (in item order) whose total is ``total``.

    The first ``total`` items get the lonely answer (1 point each), the others the
    opposite (0 points): e.g. total 3 on 11 items is djg1 nee, djg2 ja, djg3 ja, then
    djg4 ja, djg5 nee, … (0 points each).
    """
    items = scoring.SCALES[scale]
    return [LONELY[item] if index < total else NOT_LONELY[item] for index, item in enumerate(items)]


def header(scale=11, kern=True, weight=False):
    columns = ["respondent", "age"] + (["kern"] if kern else []) + (["weight"] if weight else [])
    return columns + [f"djg{item}" for item in scoring.SCALES[scale]]


def survey_csv(columns, rows, delimiter=","):
    """A CSV text from a header and rows of cells (a cell containing the delimiter is quoted)."""

    def cell(value):
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text else text

    return "\n".join(delimiter.join(cell(value) for value in line) for line in [columns, *rows]) + "\n"


def upload(text, name="enquete.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
