"""The four status rules and the share of the gap closed, worked out by hand.

The 19–64 target: baseline 38% in 2016, target 30% in 2028. The straight path drops
8 points over 12 years, 2/3 point a year: 38 − 8 × 6/12 = 34% in 2022, 36% in 2019
(38 − 8 × 3/12). The gap is 8 points, so 35% closes (38 − 35)/8 = 37.5% of it.
"""

from decimal import Decimal as D

import pytest
from django.utils import translation

from monitoring.progress import Measurement, Plan, Status, assess, describe

ADULTS = Plan(baseline_value=D("38"), baseline_year=2016, target_value=D("30"), target_year=2028)
# The youth target: the plan gives no baseline year; its path starts in 2019.
YOUTH = Plan(baseline_value=D("34"), baseline_year=None, target_value=D("30"), target_year=2028)


def m(year, value, **kwargs):
    return Measurement(year=year, value=D(value), **kwargs)


def test_the_straight_path_by_hand():
    assert ADULTS.path_value(2016) == D("38")
    assert ADULTS.path_value(2019) == D("36")
    assert ADULTS.path_value(2022) == D("34")
    assert ADULTS.path_value(2028) == D("30")
    assert ADULTS.path_value(2030) == D("30")  # after the target year: the target
    assert ADULTS.path_value(2010) == D("38")  # before the baseline: the baseline


@pytest.mark.parametrize(
    ("measurements", "status", "gap"),
    [
        # behaald: the latest measurement is at or below the target
        ([m(2022, "30")], Status.ACHIEVED, D("100.0")),
        ([m(2020, "29")], Status.ACHIEVED, D("112.5")),  # (38 − 29)/8 = 112.5%
        # op koers: at or below the path in the year measured (34% in 2022)
        ([m(2022, "34")], Status.ON_TRACK, D("50.0")),  # exactly on the path
        ([m(2022, "33.9")], Status.ON_TRACK, D("51.3")),  # 4.1/8 = 51.25% → 51.3
        # achter: above the path (36% in 2019, 34% in 2022)
        ([m(2022, "34.1")], Status.BEHIND, D("48.8")),  # 3.9/8 = 48.75% → 48.8
        ([m(2019, "37")], Status.BEHIND, D("12.5")),
        ([m(2022, "40")], Status.BEHIND, D("-25.0")),  # worse than the baseline
        # geen nieuwe meting: nothing after the baseline year
        ([], Status.NO_NEW_MEASUREMENT, None),
        ([m(2016, "38")], Status.NO_NEW_MEASUREMENT, None),  # the baseline itself
        ([m(2009, "30")], Status.NO_NEW_MEASUREMENT, None),  # before it, even at the target level
    ],
)
def test_status_and_gap_closed(measurements, status, gap):
    progress = assess(ADULTS, measurements)
    assert progress.status == status
    assert progress.gap_closed == gap


def test_the_latest_measurement_decides_whatever_the_order():
    progress = assess(ADULTS, [m(2024, "35"), m(2009, "30"), m(2020, "31")])
    # 2024: path 38 − 8 × 8/12 = 32.67; 35 is above it, though 2020 was on track.
    assert progress.status == Status.BEHIND
    assert progress.latest.year == 2024
    assert progress.path_value == D("32.7")
    assert progress.gap_closed == D("37.5")


def test_without_a_baseline_year_the_path_starts_in_2019():
    assert assess(YOUTH, [m(2019, "20")]).status == Status.NO_NEW_MEASUREMENT
    # 2022: 34 − 4 × 3/9 = 32.67
    assert assess(YOUTH, [m(2022, "32.6")]).status == Status.ON_TRACK
    assert assess(YOUTH, [m(2022, "32.7")]).status == Status.BEHIND
    assert assess(YOUTH, [m(2022, "32.6")]).gap_closed == D("35.0")  # 1.4/4


def test_unreliable_below_30_respondents():
    assert m(2022, "34", respondents=29).is_unreliable
    assert not m(2022, "34", respondents=30).is_unreliable
    assert not m(2022, "34").is_unreliable  # unknown: the plan's own figures


def test_a_target_equal_to_its_baseline_has_no_gap():
    flat = Plan(D("30"), 2016, D("30"), 2028)
    assert assess(flat, [m(2020, "30")]).gap_closed is None


@pytest.mark.parametrize(
    ("measurements", "words"),
    [
        ([m(2022, "29")], ["In 2022 it was 29%", "target of 30% for 2028 has been reached"]),
        ([m(2022, "33.9")], ["In 2022 it was 33.9%", "at or below the 34%", "on track", "51.3% of the way"]),
        ([m(2022, "36")], ["In 2022 it was 36%", "above the 34%", "behind", "25% of the way"]),
        ([m(2022, "40")], ["In 2022 it was 40%", "higher than the baseline of 38%"]),
        ([], ["no measurement after 2016", "from 38% to 30% in 2028"]),
    ],
)
def test_one_plain_sentence(measurements, words):
    with translation.override("en"):
        sentence = describe(ADULTS, assess(ADULTS, measurements))
    for word in words:
        assert word in sentence
    assert sentence.count(".") >= 1 and "\n" not in sentence


def test_the_sentence_uses_the_languages_decimal_comma():
    with translation.override("nl"):
        assert "33,9%" in describe(ADULTS, assess(ADULTS, [m(2022, "33.9")]))
