"""The statistics engine's definitions, checked by hand-worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saferplan.core.errors import SaferplanError
from saferplan.core.periods import parse_period
from saferplan.crime import statistics as st
from saferplan.geography.population import PopulationFigure


def pop(value: int) -> PopulationFigure:
    return PopulationFigure("X", "borough", value, 2019, "set", "ONS", "all")


def test_rate_and_changes_by_definition() -> None:
    row = st.Comparison("Harrow", 13957, 14866, pop(248880), pop(248880))
    assert row.rate_baseline == Decimal("56.08")  # 13957 / 248880 x 1000 = 56.0792...
    assert row.rate_period == Decimal("59.73")  # 59.7316...
    assert row.count_change == 909
    assert row.pct_change == Decimal("6.5")  # 909 / 13957 = 6.513%
    assert row.rate_change == Decimal("3.65")  # as published, from the printed rates


def test_rate_change_is_the_difference_of_printed_rates() -> None:
    # Unrounded: 1.005 - 0.994 = 0.011 -> 0.01; printed rates 1.01 - 0.99 = 0.02.
    row = st.Comparison("A", 994, 1005, pop(1_000_000), pop(1_000_000))
    assert (row.rate_baseline, row.rate_period) == (Decimal("0.99"), Decimal("1.01"))
    assert row.rate_change == row.rate_period - row.rate_baseline == Decimal("0.02")


def test_half_up_rounding_and_no_negative_zero() -> None:
    assert st.round_half_up(2.345, 2) == Decimal("2.35")
    assert st.round_half_up(Decimal("-0.04"), 1) == Decimal("0.0")
    assert str(st.pct_change(28306, 28294)) == "0.0"
    assert st.pct_change(0, 5) is None
    assert st.rate(5, None) is None and st.rate(5, 0) is None


def test_rank_ties_share_the_better_rank_and_none_is_unranked() -> None:
    assert st.rank({"a": 5, "b": 9, "c": 5, "d": 1, "e": None}) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_quartiles_put_largest_increases_first() -> None:
    q = st.quartiles({f"a{i}": i for i in range(8)})
    assert q == {"a7": 1, "a6": 1, "a5": 2, "a4": 2, "a3": 3, "a2": 3, "a1": 4, "a0": 4}


def test_extremes() -> None:
    e = st.extremes({"a": 3, "b": 9, "c": 1, "d": 9}, {"a": 2, "b": -1, "c": 5, "d": 0}, n=2)
    assert e.highest == [("b", 9), ("d", 9)]
    assert e.lowest == [("c", 1), ("a", 3)]
    assert e.most_increased == [("c", 5), ("a", 2)]


def test_rolling_12_and_seasonality() -> None:
    series = [(date(2017 + (m - 1) // 12, (m - 1) % 12 + 1, 1), m) for m in range(1, 25)]
    rolling = st.rolling_12(series)
    assert rolling[0] == (date(2017, 12, 1), sum(range(1, 13)))
    assert rolling[-1] == (date(2018, 12, 1), sum(range(13, 25)))
    assert len(rolling) == 13
    flat = [(date(2018, m, 1), 100) for m in range(1, 13)]
    flat[4] = (date(2018, 5, 1), 160)
    flat[9] = (date(2018, 10, 1), 40)
    season = st.seasonality(flat)
    assert season.average == Decimal("100.0")
    assert (season.above, season.below) == ([5], [10])
    assert season.sentence() == "average 100 a month; above average in May"


def test_direction_words_follow_the_sign() -> None:
    assert st.direction_word(3) == "increased"
    assert st.direction_word(-1) == "fell"
    assert st.direction_word(0) == "did not change"


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("2018", date(2018, 1, 1), date(2018, 12, 1), "2018"),
        ("2018-19", date(2018, 4, 1), date(2019, 3, 1), "2018/19"),
        ("FY2019/20", date(2019, 4, 1), date(2020, 3, 1), "2019/20"),
        ("12m-2019-03", date(2018, 4, 1), date(2019, 3, 1), "12 months to March 2019"),
        ("2018-01..2018-06", date(2018, 1, 1), date(2018, 6, 1), "Jan 2018 to Jun 2018"),
        ("2018-06", date(2018, 6, 1), date(2018, 6, 1), "June 2018"),
    ],
)
def test_periods(text, first, last, label) -> None:
    period = parse_period(text)
    assert (period.first, period.last, period.label) == (first, last, label)
    assert period.months[0] == first and period.months[-1] == last


@pytest.mark.parametrize("text", ["2018-20", "2018-13..2018-14", "last year", "2019-03..2018-01"])
def test_bad_periods(text) -> None:
    with pytest.raises(SaferplanError):
        parse_period(text)
