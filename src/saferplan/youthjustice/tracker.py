"""The live reoffending tracker: the period's proven reoffending cohorts followed as far as a
date, before national figures exist (national data lag by more than a year).

The cohorts and rules are the binary rate's (``indicators.cohort_spans``, the Ministry of
Justice method), counting only what was known on the day; so once follow-up is complete
the tracker and the indicator agree child for child (registry: ``live_tracker_rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from saferplan.core.rounding import scaled_ratio
from saferplan.indicators.registry import get as definition
from saferplan.youthjustice.indicators import (
    cohort_spans,
    counted_reoffences,
    prepare,
    reoffending_cohort,
)

FOLLOW_UP_DAYS = 365
PROVING_DAYS = 183  # the further 6 months in which a reoffence may be proven


def _as_at(outcomes: pd.DataFrame, today: date) -> pd.DataFrame:
    """Only what was known on ``today``: outcomes given by then, releases that happened."""
    when = pd.Timestamp(today)
    known = outcomes[pd.to_datetime(outcomes["outcome_date"]) <= when].copy()
    release = pd.to_datetime(known["release_date"])
    known["release_date"] = release.where(release <= when)
    return known


@dataclass(frozen=True)
class Followed:
    """The period's cohorts as known on ``today``: one row per child in each cohort, with
    reoffences so far, and each counted reoffence with its cohort, child and proof date."""

    start: date
    end: date
    today: date
    cohort: pd.DataFrame
    counted: pd.DataFrame


def follow(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    today: date,
) -> Followed:
    known = _as_at(outcomes, today)
    p = prepare(children, offences, known)
    members, counted = [], []
    for first, last in cohort_spans(start, end):
        cohort = reoffending_cohort(children, offences, known, first, last, p)
        members.append(cohort.assign(cohort_start=pd.Timestamp(first)))
        reoffences = counted_reoffences(p, cohort[["child_ref", "index_date"]])
        counted.append(reoffences.assign(cohort_start=pd.Timestamp(first)))
    return Followed(
        start, end, today,
        pd.concat(members, ignore_index=True), pd.concat(counted, ignore_index=True),
    )  # fmt: skip


def live_tracker(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    today: date,
) -> pd.DataFrame:
    """One row per child in each cohort of the period (a child in two quarters' cohorts has
    two): its start, the index date, days followed and reoffences proven by ``today``."""
    return children_followed(follow(children, offences, outcomes, start, end, today))


def children_followed(followed: Followed) -> pd.DataFrame:
    """:func:`live_tracker` of cohorts already followed."""
    cohort, today = followed.cohort.copy(), followed.today
    followed_days = (pd.Timestamp(today) - cohort["index_date"]).dt.days.clip(lower=0)
    cohort["days_followed"] = followed_days.clip(upper=FOLLOW_UP_DAYS)
    cohort["follow_up_complete"] = followed_days >= FOLLOW_UP_DAYS + PROVING_DAYS
    cohort["reoffended_so_far"] = cohort["reoffences"] > 0
    return cohort


@dataclass(frozen=True)
class TrackerMonth:
    month_end: date
    cohort_so_far: int  # children whose index event has happened by the month's end
    reoffenders_so_far: int  # of them, children with a counted reoffence proven by then
    reoffences_so_far: int

    @property
    def rate_so_far(self) -> float | None:
        if not self.cohort_so_far:
            return None
        found = definition("live_tracker_rate")
        return float(
            scaled_ratio(self.reoffenders_so_far, self.cohort_so_far, found.scale, found.decimals)
        )


def tracker_by_month(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    today: date,
) -> list[TrackerMonth]:
    """The live tracker month by month: at each month's end from the cohort's first month
    until ``today`` (or until follow-up ends), the cohorts and their reoffending so far."""
    return months_followed(follow(children, offences, outcomes, start, end, today))


def months_followed(followed: Followed) -> list[TrackerMonth]:
    """:func:`tracker_by_month` of cohorts already followed."""
    cohort, counted = followed.cohort, followed.counted
    start, end, today = followed.start, followed.end, followed.today
    first_proven = counted.groupby(["cohort_start", "child_ref"])["proven_date"].min()
    last = min(pd.Timestamp(today), pd.Timestamp(end) + pd.DateOffset(months=18))
    months = []
    month_end = pd.Timestamp(start) + pd.offsets.MonthEnd(0)
    while month_end <= last:
        months.append(
            TrackerMonth(
                month_end.date(),
                int((cohort["index_date"] <= month_end).sum()),
                int((first_proven <= month_end).sum()),
                int((counted["proven_date"] <= month_end).sum()),
            )
        )
        month_end = month_end + pd.offsets.MonthEnd(1)
    return months
