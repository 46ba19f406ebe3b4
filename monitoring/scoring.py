"""Scoring the De Jong Gierveld loneliness scale (docs/design.md, "The De Jong Gierveld
loneliness scale"). Pure Python, no Django: answers in, scores and shares out.

Answers are coded 1 = ``nee``, 2 = ``min of meer``, 3 = ``ja``; ``None`` is an item left
unanswered.

- Emotional items (2, 3, 5, 6, 9, 10) score 1 for ``ja`` or ``min of meer``; social items
  (1, 4, 7, 8, 11) score 1 for ``nee`` or ``min of meer``. ``min of meer`` always scores 1.
- The 11-item total runs 0–11: 0–2 niet, 3–8 matig, 9–10 ernstig, 11 zeer ernstig eenzaam.
- The 6-item short scale (items 3, 9, 10 emotional; 4, 7, 8 social) runs 0–6:
  0–1 niet, 2–4 matig, 5–6 ernstig eenzaam.
- A respondent with any unanswered item is left out of the prevalence and counted apart.
- Weighted share = Σw·x / Σw; 95% Wilson score interval on n_eff = (Σw)² / Σw².

The targets state their score range on the 11-item scale; :func:`scale_range` says what
that range is on the short scale (see its docstring and docs/adr/0002-survey-scoring.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NO, MORE_OR_LESS, YES = 1, 2, 3

EMOTIONAL_ITEMS = (2, 3, 5, 6, 9, 10)
SOCIAL_ITEMS = (1, 4, 7, 8, 11)
FULL_SCALE = tuple(range(1, 12))
SHORT_SCALE = (3, 4, 7, 8, 9, 10)
SCALES = {11: FULL_SCALE, 6: SHORT_SCALE}

# How a cell in a survey file is read: the words in any letter case, or their codes.
ANSWERS = {"nee": NO, "min of meer": MORE_OR_LESS, "ja": YES, "1": NO, "2": MORE_OR_LESS, "3": YES}

# The categories of each scale, as (lowest, highest) total score.
FULL_CATEGORIES = {"niet": (0, 2), "matig": (3, 8), "ernstig": (9, 10), "zeer ernstig": (11, 11)}
SHORT_CATEGORIES = {"niet": (0, 1), "matig": (2, 4), "ernstig": (5, 6)}

# Where a target's 11-item range may start and end, and the short-scale score it maps to.
# The short scale has no "zeer ernstig": its "ernstig" (5–6) covers 11-item 9–11.
SHORT_RANGE_START = {0: 0, 3: 2, 9: 5}
SHORT_RANGE_END = {2: 1, 8: 4, 11: 6}

# The 97.5th percentile of the standard normal distribution, rounded as published tables do.
Z_95 = 1.96


def parse_answer(value: str | None) -> int | None:
    """Read one cell: ``ja``/``min of meer``/``nee`` (any case, any spacing) or 3/2/1; empty is None.

    Raises ``ValueError`` for anything else.
    """
    if value is None:
        return None
    text = " ".join(str(value).split()).lower()
    if text == "":
        return None
    try:
        return ANSWERS[text]
    except KeyError:
        raise ValueError(value) from None


def item_score(item: int, answer: int) -> int:
    """1 when the answer to this item points at loneliness, else 0."""
    if answer not in (NO, MORE_OR_LESS, YES):
        raise ValueError(f"answer {answer!r} is not 1, 2 or 3")
    if answer == MORE_OR_LESS:
        return 1
    if item in EMOTIONAL_ITEMS:
        return 1 if answer == YES else 0
    if item in SOCIAL_ITEMS:
        return 1 if answer == NO else 0
    raise ValueError(f"item {item!r} is not an item of the scale (1–11)")


def total_score(answers: Mapping[int, int | None], items: Iterable[int] = FULL_SCALE) -> int | None:
    """The sum of the item scores over ``items``; None when any of them is unanswered."""
    total = 0
    for item in items:
        answer = answers.get(item)
        if answer is None:
            return None
        total += item_score(item, answer)
    return total


def scale_range(scale: int, score_min: int, score_max: int) -> tuple[int, int] | None:
    """A target's score range (stated on the 11-item scale) on ``scale`` (11 or 6 items).

    The 11-item range is used as it is. For the 6-item short scale the range is mapped
    category by category, because the short scale has its own cut-offs:

    ======================================  =============  ============
    target range (11 items)                 11-item range  6-item range
    ======================================  =============  ============
    matig tot zeer ernstig eenzaam          3–11           2–6
    ernstig tot zeer ernstig eenzaam        9–11           5–6
    niet eenzaam                            0–2            0–1
    ======================================  =============  ============

    A range must start where an 11-item category starts (0, 3 or 9) and end where one
    ends (2, 8 or 11); anything else (e.g. 9–10 or 11–11, which single out "zeer
    ernstig", a category the short scale does not have) cannot be measured with the
    short scale, and the result is None.
    """
    if scale == 11:
        return (score_min, score_max)
    if scale == 6:
        if score_min in SHORT_RANGE_START and score_max in SHORT_RANGE_END:
            low, high = SHORT_RANGE_START[score_min], SHORT_RANGE_END[score_max]
            if low <= high:
                return (low, high)
        return None
    raise ValueError(f"scale {scale!r} is not 11 or 6")


def wilson_interval(share: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a share observed in (an effective sample of) ``n``.

    centre = (p + z²/2n) / (1 + z²/n);  half width = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²)
    """
    if n <= 0:
        raise ValueError("the sample size must be greater than 0")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def effective_sample_size(weights: Iterable[float]) -> float:
    """Kish's effective sample size (Σw)² / Σw²; equal to n when all weights are equal."""
    weights = list(weights)
    square_sum = sum(w * w for w in weights)
    return sum(weights) ** 2 / square_sum if square_sum else 0.0


@dataclass(frozen=True)
class Prevalence:
    """The weighted share of respondents whose total lies in a range, with its interval.

    ``counted`` respondents answered every item; ``left_out`` did not and are not in the
    share. ``share``, ``ci_low`` and ``ci_high`` are fractions (0–1), None when nobody counted.
    """

    share: float | None
    ci_low: float | None
    ci_high: float | None
    counted: int
    left_out: int
    n_eff: float

    @property
    def respondents(self) -> int:
        return self.counted + self.left_out


def prevalence(
    scored: Iterable[tuple[int | None, float]], score_min: int, score_max: int, z: float = Z_95
) -> Prevalence:
    """The prevalence of totals within [score_min, score_max] among ``(total, weight)`` pairs.

    A total of None (an unanswered item) is left out and counted in ``left_out``.
    """
    weights, hits, left_out = [], 0.0, 0
    for total, weight in scored:
        if total is None:
            left_out += 1
            continue
        if not weight > 0:
            raise ValueError("weights must be greater than 0")
        weights.append(weight)
        if score_min <= total <= score_max:
            hits += weight
    if not weights:
        return Prevalence(None, None, None, 0, left_out, 0.0)
    share = hits / sum(weights)
    n_eff = effective_sample_size(weights)
    low, high = wilson_interval(share, n_eff, z)
    return Prevalence(share, low, high, len(weights), left_out, n_eff)
