"""The De Jong Gierveld scorer against hand-worked answers (docs/design.md, "The De Jong Gierveld loneliness scale").

Codes: 1 = nee, 2 = min of meer, 3 = ja. Emotional items 2, 3, 5, 6, 9, 10 score 1 for ja
or min of meer; social items 1, 4, 7, 8, 11 score 1 for nee or min of meer.
"""

import pytest

from monitoring import scoring
from monitoring.scoring import MORE_OR_LESS, NO, YES

# -- One item at a time --------------------------------------------------------------


@pytest.mark.parametrize("item", [2, 3, 5, 6, 9, 10])
def test_emotional_items_count_ja_and_min_of_meer(item):
    assert scoring.item_score(item, YES) == 1
    assert scoring.item_score(item, MORE_OR_LESS) == 1
    assert scoring.item_score(item, NO) == 0


@pytest.mark.parametrize("item", [1, 4, 7, 8, 11])
def test_social_items_count_nee_and_min_of_meer(item):
    assert scoring.item_score(item, NO) == 1
    assert scoring.item_score(item, MORE_OR_LESS) == 1
    assert scoring.item_score(item, YES) == 0


def test_the_two_subscales_make_the_eleven_items_and_the_short_scale_is_six_of_them():
    assert sorted(scoring.EMOTIONAL_ITEMS + scoring.SOCIAL_ITEMS) == list(range(1, 12))
    assert scoring.SHORT_SCALE == (3, 4, 7, 8, 9, 10)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("ja", YES), ("JA", YES), (" Ja ", YES), ("min of meer", MORE_OR_LESS), ("Min  Of  Meer", MORE_OR_LESS)]
    + [("nee", NO), ("NEE", NO), ("3", YES), ("2", MORE_OR_LESS), ("1", NO), ("", None), ("  ", None), (None, None)],
)
def test_answers_are_read_in_any_letter_case_or_as_codes(cell, code):
    assert scoring.parse_answer(cell) == code


@pytest.mark.parametrize("cell", ["soms", "4", "0", "j", "ja!", "min of meer of minder"])
def test_other_answers_are_refused(cell):
    with pytest.raises(ValueError):
        scoring.parse_answer(cell)


# -- Totals --------------------------------------------------------------------------

# One respondent, worked out item by item:
#   item  kind       answer        score
#    1    social     ja            0   (social: only nee / min of meer count)
#    2    emotional  ja            1
#    3    emotional  min of meer   1   (min of meer always counts)
#    4    social     nee           1
#    5    emotional  nee           0
#    6    emotional  ja            1
#    7    social     min of meer   1
#    8    social     ja            0
#    9    emotional  ja            1
#   10    emotional  nee           0
#   11    social     nee           1
#   total                          7   → 3–8: matig eenzaam
RESPONDENT = {
    1: YES,
    2: YES,
    3: MORE_OR_LESS,
    4: NO,
    5: NO,
    6: YES,
    7: MORE_OR_LESS,
    8: YES,
    9: YES,
    10: NO,
    11: NO,
}


def test_eleven_item_total_worked_out_by_hand():
    assert scoring.total_score(RESPONDENT) == 7


def test_min_of_meer_everywhere_is_the_maximum_and_the_opposite_answers_are_zero():
    assert scoring.total_score(dict.fromkeys(range(1, 12), MORE_OR_LESS)) == 11
    # Emotional nee (0) and social ja (0) on every item: not lonely at all.
    calm = {item: NO if item in scoring.EMOTIONAL_ITEMS else YES for item in range(1, 12)}
    assert scoring.total_score(calm) == 0


def test_short_scale_total_worked_out_by_hand():
    # Items 3, 4, 7, 8, 9, 10 of the same respondent:
    #   3 min of meer → 1, 4 nee → 1, 7 min of meer → 1, 8 ja → 0, 9 ja → 1, 10 nee → 0
    #   total 4 → 2–4: matig eenzaam on the short scale.
    assert scoring.total_score(RESPONDENT, scoring.SHORT_SCALE) == 4


def test_a_missing_answer_leaves_the_respondent_out():
    answers = {**RESPONDENT, 5: None}
    assert scoring.total_score(answers) is None
    del answers[5]
    assert scoring.total_score(answers) is None


def test_the_short_scale_ignores_items_it_does_not_ask():
    # Items 1, 2, 5, 6 and 11 are not part of the short scale: missing there is fine.
    short_only = {item: RESPONDENT[item] for item in scoring.SHORT_SCALE}
    assert scoring.total_score(short_only, scoring.SHORT_SCALE) == 4
    assert scoring.total_score(short_only) is None


# -- Target ranges on either scale ---------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "target_range", "expected"),
    [
        (11, (3, 11), (3, 11)),  # matig tot zeer ernstig, as the target states it
        (11, (9, 11), (9, 11)),  # ernstig tot zeer ernstig
        (6, (3, 11), (2, 6)),  # matig + ernstig on the short scale: 2–6
        (6, (9, 11), (5, 6)),  # ernstig on the short scale: 5–6
        (6, (0, 2), (0, 1)),  # niet eenzaam
        (6, (9, 10), None),  # "ernstig but not zeer ernstig": the short scale cannot tell
        (6, (11, 11), None),  # only "zeer ernstig": no such category on the short scale
        (6, (5, 11), None),  # starts inside a category
    ],
)
def test_target_ranges_on_the_eleven_and_six_item_scales(scale, target_range, expected):
    assert scoring.scale_range(scale, *target_range) == expected


# -- Shares, weights and the Wilson interval -----------------------------------------


def test_wilson_interval_by_hand_p_0_2_n_100():
    # z = 1.96, z² = 3.8416, z²/n = 0.038416, 1 + z²/n = 1.038416
    # centre = (0.2 + 3.8416/200) / 1.038416 = 0.219208 / 1.038416 = 0.211099
    # half   = 1.96 / 1.038416 · √(0.2·0.8/100 + 3.8416/40000)
    #        = 1.887491 · √(0.0016 + 0.00009604) = 1.887491 · 0.041183 = 0.077733
    # → [0.211099 − 0.077733, 0.211099 + 0.077733] = [0.133366, 0.288832], i.e. [0.1333, 0.2888]
    low, high = scoring.wilson_interval(0.2, 100)
    assert low == pytest.approx(0.133366, abs=1e-5)
    assert high == pytest.approx(0.288832, abs=1e-5)


def test_unweighted_prevalence_leaves_out_incomplete_answers():
    # Totals 0, 3, 9, 11 and one incomplete respondent; range 3–11 (matig and worse).
    # Counted 4, in range 3 (3, 9, 11) → share 3/4 = 0.75; left out 1; n_eff = 4.
    # Wilson, n = 4: z²/n = 0.9604, denominator 1.9604
    #   centre = (0.75 + 0.4802) / 1.9604 = 0.627525
    #   half   = 1.96 / 1.9604 · √(0.75·0.25/4 + 3.8416/64) = 0.999796 · √0.1069 = 0.326889
    #   → [0.3006, 0.9544]
    result = scoring.prevalence([(0, 1.0), (3, 1.0), (9, 1.0), (11, 1.0), (None, 1.0)], 3, 11)
    assert result.share == 0.75
    assert (result.counted, result.left_out, result.respondents) == (4, 1, 5)
    assert result.n_eff == 4
    assert result.ci_low == pytest.approx(0.3006, abs=5e-5)
    assert result.ci_high == pytest.approx(0.9544, abs=5e-5)


def test_weighted_prevalence_and_effective_sample_size():
    # (total, weight): (2, 1), (5, 3), (9, 2), (0, 2); range 3–11.
    # Σw = 8; weight in range = 3 + 2 = 5 → share 5/8 = 0.625 (unweighted it would be 2/4).
    # Σw² = 1 + 9 + 4 + 4 = 18 → n_eff = 8² / 18 = 3.5556.
    result = scoring.prevalence([(2, 1.0), (5, 3.0), (9, 2.0), (0, 2.0)], 3, 11)
    assert result.share == 0.625
    assert result.n_eff == pytest.approx(3.5556, abs=1e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx(scoring.wilson_interval(0.625, 64 / 18))


def test_weighted_interval_uses_n_eff_by_hand():
    # Share 0.5 on n_eff = 64/18 = 3.5556: z²/n = 3.8416/3.5556 = 1.080450, denominator 2.080450
    #   centre = (0.5 + 0.540225) / 2.080450 = 0.5
    #   half   = 1.96 / 2.080450 · √(0.25/3.5556 + 3.8416/(4 · 12.6420))
    #          = 0.942104 · √(0.070313 + 0.075969) = 0.942104 · 0.382468 = 0.360325
    #   → [0.1397, 0.8603]  (with n = 4 it would be [0.1500, 0.8500]: weights widen it)
    result = scoring.prevalence([(5, 1.0), (2, 3.0), (1, 2.0), (0, 2.0)], 2, 6)
    assert result.share == 0.5
    assert result.ci_low == pytest.approx(0.1397, abs=5e-5)
    assert result.ci_high == pytest.approx(0.8603, abs=5e-5)


def test_equal_weights_give_the_unweighted_interval():
    # n_eff = (100·2)² / (100·2²) = 40000 / 400 = 100 = n.
    assert scoring.effective_sample_size([2.0] * 100) == 100
    weighted = scoring.prevalence([(9, 2.0)] * 20 + [(0, 2.0)] * 80, 9, 11)
    assert weighted.share == pytest.approx(0.2)
    assert weighted.ci_low == pytest.approx(0.133366, abs=1e-5)
    assert weighted.ci_high == pytest.approx(0.288832, abs=1e-5)


def test_nobody_counted_gives_no_share():
    result = scoring.prevalence([(None, 1.0), (None, 1.0)], 3, 11)
    assert (result.share, result.ci_low, result.ci_high, result.counted, result.left_out) == (None, None, None, 0, 2)


def test_a_share_of_zero_has_an_interval_from_zero():
    # p = 0, n = 10: centre = (3.8416/20) / 1.38416 = 0.138770, half = 1.96/1.38416 · √(3.8416/400) = 0.138770
    low, high = scoring.wilson_interval(0.0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=5e-5)


def test_weights_must_be_positive():
    with pytest.raises(ValueError):
        scoring.prevalence([(3, 0.0)], 3, 11)
