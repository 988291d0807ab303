"""Figures that describe the same children agree (issue #11, item 14), checked on the demo's
synthetic cohort (seed 2019, 400 children) where the issue found them disagreeing."""

from __future__ import annotations

from datetime import date

import pytest

from saferplan.core.periods import parse_period
from saferplan.crime import statistics
from saferplan.youthjustice import indicators as ind
from saferplan.youthjustice import service
from saferplan.youthjustice.demo import DEMO_CHILDREN, DEMO_SEED, POPULATION_10_17
from saferplan.youthjustice.records import CUSTODIAL_TYPES, PROVEN_TYPES
from saferplan.youthjustice.synth import generate_cohort
from saferplan.youthjustice.tests.test_indicators import simple_cohort


@pytest.fixture(scope="module")
def demo() -> service.Records:
    return service.Records(generate_cohort(children=DEMO_CHILDREN, seed=DEMO_SEED).tables())


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_disproportionality_counts_the_first_time_entrants_the_indicator_counts(demo) -> None:
    # 2018-19: the indicator, limited to 10-17, counts 34; disproportionality counted 36,
    # two of them aged 18.
    period = parse_period("2018-19")
    fte = service.national_indicators_for("2018-19", POPULATION_10_17, demo)[0]
    counted = service.counted_children("fte", period, demo)
    assert fte.numerator == len(counted) == 34
    born = dict(
        zip(
            demo.tables["children"]["child_ref"],
            demo.tables["children"]["date_of_birth"],
            strict=True,
        )
    )
    first = demo.events.sort_values("outcome_date").drop_duplicates("child_ref")
    for r in first.itertuples():
        in_year = date(2018, 4, 1) <= r.outcome_date.date() <= date(2019, 3, 31)
        aged = 10 <= _age(born[r.child_ref].date(), r.outcome_date.date()) <= 17
        assert (r.child_ref in counted) == (in_year and aged)


def test_disproportionality_counts_the_children_sentenced_to_custody_aged_10_to_17(demo) -> None:
    period = parse_period("2018-19")
    t = demo.tables
    born = dict(zip(t["children"]["child_ref"], t["children"]["date_of_birth"], strict=True))
    by_hand = {
        r.child_ref
        for r in t["outcomes"].itertuples()
        if r.outcome_type in CUSTODIAL_TYPES and r.outcome_type in PROVEN_TYPES
        and date(2018, 4, 1) <= r.outcome_date.date() <= date(2019, 3, 31)
        and 10 <= _age(born[r.child_ref].date(), r.outcome_date.date()) <= 17
    }  # fmt: skip
    assert service.counted_children("custody", period, demo) == by_hand


def test_rates_round_half_up_on_both_sides(demo) -> None:
    # 3 custodial sentences ÷ 24,000 × 1,000 = 0.125: shown as 0.12 before.
    custody = service.national_indicators_for("2018-19", POPULATION_10_17, demo)[1]
    assert (custody.numerator, custody.denominator) == (3, 24_000)
    assert custody.value == 0.13
    assert statistics.rate(3, 24_000) == statistics.round_half_up(0.125, 2)
    assert ind.ratio("use_of_custody", "p", 3, 24_000).value == float(statistics.rate(3, 24_000))


def test_the_tracker_ends_where_the_indicator_is(demo) -> None:
    # 2019-20, followed to 2022: the tracker said 46 children, 17 reoffended (36.96%), the
    # indicator 25 of 58 (43.1%). Both now follow the four quarterly cohorts.
    t = demo.tables
    binary = service.national_indicators_for("2019-20", POPULATION_10_17, demo)[4]
    by_hand = [
        simple_cohort(t["children"], t["offences"], t["outcomes"], a, b)
        for a, b in ind.quarters(date(2019, 4, 1))
    ]
    places, reoffenders = sum(map(len, by_hand)), sum(v > 0 for c in by_hand for v in c.values())
    assert (binary.numerator, binary.denominator, binary.value) == (reoffenders, places, 43.1)
    assert (reoffenders, places) == (25, 58)
    done = date(2022, 1, 1)
    last = service.tracker_by_month("2019-20", done, demo)[-1]
    assert (last.reoffenders_so_far, last.cohort_so_far, last.rate_so_far) == (25, 58, 43.1)
    children = service.tracker("2019-20", done, demo)
    assert len(children) == 58 and sum(c["reoffended_so_far"] for c in children) == 25
    assert all(c["follow_up_complete"] for c in children)
    assert {c["cohort"] for c in children} == {
        "Apr 2019 to Jun 2019", "Jul 2019 to Sep 2019", "Oct 2019 to Dec 2019", "Jan 2020 to Mar 2020"
    }  # fmt: skip
