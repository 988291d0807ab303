"""Runs called out: checked against a forward count written here, not the module's own."""

from __future__ import annotations

from decimal import Decimal as D
from itertools import pairwise

import pytest

from saferplan.indicators.callouts import AT_LEAST, Point, runs


def expected_worsening(values: list[int], better: str) -> int:
    """Walk forwards, restarting the count at every period that was not worse."""
    count = 0
    for before, after in pairwise(values):
        worse = after > before if better == "lower" else after < before
        count = count + 1 if worse else 0
    return count


def series(values: list[int], comparators: list[int | None] | None = None) -> list[Point]:
    given = comparators or [None] * len(values)
    return [
        Point(f"Q{i % 4 + 1} {2020 + i // 4}", D(v), None if c is None else D(c))
        for i, (v, c) in enumerate(zip(values, given, strict=True))
    ]


@pytest.mark.parametrize(
    ("values", "better"),
    [
        ([10, 9, 11, 12], "lower"),  # worsened twice: not called out
        ([10, 11, 12, 13], "lower"),  # three times: called out
        ([10, 11, 12, 13, 14], "lower"),  # four times
        ([10, 11, 12, 11, 12, 13], "lower"),  # broken by one better period: restarts at 2
        ([10, 11, 12, 11, 12, 13, 14], "lower"),  # ... and is called out again at 3
        ([50, 40, 30, 20], "higher"),  # higher is better, falling three times
        ([50, 40, 40, 30, 20], "higher"),  # no change breaks the run
    ],
)
def test_worsening_runs_match_a_forward_count(values: list[int], better: str) -> None:
    want = expected_worsening(values, better)
    called = [r for r in runs(series(values), better) if r.kind == "worsened"]
    if want < AT_LEAST:
        assert called == []
    else:
        [run] = called
        points = series(values)
        assert (run.length, run.first, run.last) == (want, points[-want].label, points[-1].label)


def test_the_sentence_names_the_run_and_its_span() -> None:
    [run] = runs(series([30, 31, 32, 33, 34]), "lower")
    assert run.sentence("Reoffending rate", "quarters") == (
        "Reoffending rate has worsened for 4 quarters in a row (Q2 2020 to Q1 2021)"
    )


def test_red_means_worse_than_the_comparator_for_three_periods() -> None:
    # lower is better; local 20 against the group's 18, 19, 25, 21, 22: red, not, red x3 ...
    points = series([20, 20, 20, 20, 20], [18, 25, 19, 19, 19])
    [run] = runs(points, "lower", "YOT family")
    assert (run.kind, run.length, run.first, run.last) == ("red", 3, "Q3 2020", "Q1 2021")
    assert run.sentence("First time entrants", "years", "per 100,000 aged 10-17") == (
        "First time entrants has been worse than the YOT family average for 3 years in a row "
        "(Q3 2020 to Q1 2021); the average in Q1 2021 was 19 per 100,000 aged 10-17"
    )
    # two red periods only, or a period with no comparator published, is not called out
    assert runs(series([20, 20, 20, 20], [25, 25, 19, 19]), "lower", "YOT family") == []
    assert runs(series([20, 20, 20, 20], [19, 19, None, 19]), "lower", "YOT family") == []
    # without a comparator there is no red run, only the worsening one
    assert runs(points, "lower") == []


def test_no_direction_of_good_calls_nothing_out() -> None:
    assert runs(series([1, 2, 3, 4, 5]), "") == []
