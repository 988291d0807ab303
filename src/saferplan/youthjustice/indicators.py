"""The national youth justice indicators, each a documented pure function.

Every function returns ``Indicator`` rows with numerator, denominator, value and unit, so
value = numerator / denominator x scale can be re-derived by anyone.

Definitions (Youth Justice Board / Ministry of Justice, as implemented here):

- **First time entrants**: children aged 10-17 whose *first ever* youth caution, youth
  conditional caution or court conviction falls in the period (community resolutions and
  triage do not count), per 100,000 children aged 10-17.
- **Use of custody**: custodial sentences (DTO, section 250 / long-term detention) given to
  children aged 10-17 in the period, per 1,000 children aged 10-17.
- **Remands**: episodes of remand to youth detention accommodation starting in the period,
  and the nights spent on remand within the period.
- **Proven reoffending** (MoJ method): a cohort is every child cautioned, convicted or
  released from custody in a period (quarterly cohorts; annual figures add up the four
  quarters, so a child can count in more than one). The index event is the child's first
  such event in the period: the outcome date, or the release date for a custodial sentence.
  A reoffence is an offence *committed* after the index date and within 12 months of it,
  and proven by caution or conviction within those 12 months or a further 6 months.
  Offences committed on or before the index date never count, whenever proven; breaches of
  orders are not reoffences; the child's age is taken at the index date (turning 18 in
  follow-up does not remove them). Binary rate = reoffenders / cohort x 100; frequency =
  reoffences / cohort; reoffences per reoffender = reoffences / reoffenders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from saferplan.youthjustice.records import CUSTODIAL_TYPES, PROVEN_TYPES

LABELS = {
    "first_time_entrants": "First time entrants",
    "use_of_custody": "Use of custody",
    "remand_episodes_yda": "Remand episodes (youth detention accommodation)",
    "remand_nights_yda": "Remand nights (youth detention accommodation)",
    "reoffending_binary_rate": "Proven reoffending: binary rate",
    "reoffences_per_child": "Proven reoffending: reoffences per child",
    "reoffences_per_reoffender": "Proven reoffending: reoffences per reoffender",
}


@dataclass(frozen=True)
class Indicator:
    indicator: str
    period: str
    numerator: float
    denominator: float
    value: float | None
    unit: str  # e.g. 'per 100,000 aged 10-17', '%', 'per child'
    scale: float


def _ratio(
    key: str, period: str, numerator: float, denominator: float, unit: str, scale: float
) -> Indicator:
    value = None if denominator == 0 else round(numerator / denominator * scale, 2)
    return Indicator(key, period, numerator, denominator, value, unit, scale)


def member(values: pd.Series, allowed: Any) -> pd.Series:
    """``values.isin(allowed)``, computed by Arrow: pandas' own is slow on large string sets."""
    allowed_array = pa.array(pd.Series(list(allowed) if isinstance(allowed, set) else allowed))
    left = pa.array(values)
    if left.type != allowed_array.type:
        left, allowed_array = left.cast(pa.string()), allowed_array.cast(pa.string())
    hits = pc.is_in(left, value_set=allowed_array).to_numpy(zero_copy_only=False)
    return pd.Series(hits, index=values.index)


def age_at(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Whole years of age on ``when`` (birthdays counted on the day)."""
    dob, when = pd.to_datetime(dob), pd.to_datetime(when)
    before_birthday = (when.dt.month < dob.dt.month) | (
        (when.dt.month == dob.dt.month) & (when.dt.day < dob.dt.day)
    )
    return when.dt.year - dob.dt.year - before_birthday.astype(int)


def _events(children: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Distinct proven outcomes per child and date (one outcome can cover several offences)."""
    proven = outcomes[outcomes["outcome_type"].isin(PROVEN_TYPES)]
    events = proven.drop_duplicates(["outcome_id"])[
        ["outcome_id", "child_ref", "outcome_date", "outcome_type", "release_date"]
    ].merge(children[["child_ref", "date_of_birth"]], on="child_ref", how="left")
    events["outcome_date"] = pd.to_datetime(events["outcome_date"])
    events["release_date"] = pd.to_datetime(events["release_date"])
    return events


def first_time_entrants(
    children: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    population_10_17: int,
    label: str,
    events: pd.DataFrame | None = None,
) -> Indicator:
    """``events``: :func:`proven_events` of the same records, if already computed."""
    events = _events(children, outcomes) if events is None else events
    first = events.sort_values("outcome_date").drop_duplicates("child_ref")
    first = first[
        (first["outcome_date"] >= pd.Timestamp(start))
        & (first["outcome_date"] <= pd.Timestamp(end))
    ]
    ages = age_at(first["date_of_birth"], first["outcome_date"])
    count = int(((ages >= 10) & (ages <= 17)).sum())
    return _ratio(
        "first_time_entrants", label, count, population_10_17, "per 100,000 aged 10-17", 100_000
    )


def use_of_custody(
    children: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    population_10_17: int,
    label: str,
    events: pd.DataFrame | None = None,
) -> Indicator:
    """``events``: :func:`proven_events` of the same records, if already computed."""
    events = _events(children, outcomes) if events is None else events
    custody = events[
        events["outcome_type"].isin(CUSTODIAL_TYPES)
        & (events["outcome_date"] >= pd.Timestamp(start))
        & (events["outcome_date"] <= pd.Timestamp(end))
    ]
    ages = age_at(custody["date_of_birth"], custody["outcome_date"])
    count = int(((ages >= 10) & (ages <= 17)).sum())
    return _ratio("use_of_custody", label, count, population_10_17, "per 1,000 aged 10-17", 1000)


def remands(remand_table: pd.DataFrame, start: date, end: date, label: str) -> list[Indicator]:
    yda = remand_table[remand_table["remand_type"] == "yda"]
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    starts = pd.to_datetime(yda["start_date"])
    ends = pd.to_datetime(yda["end_date"])
    episodes = int(((starts >= s) & (starts <= e)).sum())
    window_end = ends.where(ends < e + pd.Timedelta(days=1), e + pd.Timedelta(days=1))
    window_start = starts.where(starts > s, s)
    overlap = (window_end - window_start).dt.days
    nights = int(overlap.clip(lower=0).sum())
    return [
        Indicator("remand_episodes_yda", label, episodes, 1, float(episodes), "episodes", 1),
        Indicator("remand_nights_yda", label, nights, 1, float(nights), "nights", 1),
    ]


@dataclass(frozen=True)
class _Prepared:
    """What every cohort of the same records needs: index events and proven offences."""

    events: pd.DataFrame  # child_ref, outcome_id, index_date, date_of_birth
    candidates: pd.DataFrame  # child_ref, offence_date, proven_date (first proof), non-breach


def proven_events(children: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Distinct cautions and convictions with the child's date of birth, shared by indicators."""
    return _events(children, outcomes)


def prepare(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    events: pd.DataFrame | None = None,
) -> _Prepared:
    events = (_events(children, outcomes) if events is None else events).copy()
    events["index_date"] = events["release_date"].where(
        events["outcome_type"].isin(CUSTODIAL_TYPES), events["outcome_date"]
    )
    events = events.dropna(subset=["index_date"])[
        ["child_ref", "outcome_id", "index_date", "date_of_birth"]
    ]
    # Each offence's first proving: the earliest caution or conviction that covers it.
    proven = outcomes[outcomes["outcome_type"].isin(PROVEN_TYPES)][["offence_id", "outcome_date"]]
    first_proof = proven.groupby("offence_id", as_index=False)["outcome_date"].min()
    candidates = offences[~offences["is_breach"].astype(bool)][
        ["offence_id", "child_ref", "offence_date"]
    ].merge(first_proof, on="offence_id")
    candidates = candidates.assign(
        offence_date=pd.to_datetime(candidates["offence_date"]),
        proven_date=pd.to_datetime(candidates["outcome_date"]),
    )[["child_ref", "offence_date", "proven_date"]]
    return _Prepared(events, candidates)


def reoffending_cohort(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    prepared: _Prepared | None = None,
) -> pd.DataFrame:
    """One row per child in the cohort: index date and reoffences counted (MoJ method).

    Pass ``prepared`` (from :func:`prepare`) when computing several cohorts of one dataset.
    """
    p = prepared or prepare(children, offences, outcomes)
    events = p.events
    in_period = events[
        (events["index_date"] >= pd.Timestamp(start)) & (events["index_date"] <= pd.Timestamp(end))
    ]
    index = in_period.sort_values(["index_date", "outcome_id"]).drop_duplicates("child_ref")
    ages = age_at(index["date_of_birth"], index["index_date"])
    index = index[(ages >= 10) & (ages <= 17)][["child_ref", "index_date"]]

    counted = counted_reoffences(p, index)
    per_child = counted.groupby("child_ref").size().rename("reoffences")
    index = index.merge(per_child, on="child_ref", how="left")
    index["reoffences"] = index["reoffences"].fillna(0).astype(int)
    return index[["child_ref", "index_date", "reoffences"]]


def counted_reoffences(p: _Prepared, index: pd.DataFrame) -> pd.DataFrame:
    """The reoffences that count for each child of ``index`` (child_ref, index_date): one
    row per offence committed in the 12 months after the index date and proven within 18."""
    joined = p.candidates.merge(index, on="child_ref")
    follow_end = joined["index_date"] + pd.DateOffset(years=1)
    proven_by = joined["index_date"] + pd.DateOffset(months=18)
    return joined[
        (joined["offence_date"] > joined["index_date"])
        & (joined["offence_date"] <= follow_end)
        & (joined["proven_date"] <= proven_by)
    ]


def reoffending(cohorts: list[pd.DataFrame], label: str) -> list[Indicator]:
    """Binary rate, frequency and reoffences per reoffender over one or more cohorts."""
    sizes = sum(len(c) for c in cohorts)
    reoffenders = sum(int((c["reoffences"] > 0).sum()) for c in cohorts)
    reoffences = sum(int(c["reoffences"].sum()) for c in cohorts)
    return [
        _ratio("reoffending_binary_rate", label, reoffenders, sizes, "%", 100),
        _ratio("reoffences_per_child", label, reoffences, sizes, "per child", 1),
        _ratio("reoffences_per_reoffender", label, reoffences, reoffenders, "per reoffender", 1),
    ]


def quarters(start: date) -> list[tuple[date, date]]:
    """The four quarters of the 12 months from ``start``."""
    out = []
    for q in range(4):
        first = pd.Timestamp(start) + pd.DateOffset(months=3 * q)
        last = first + pd.DateOffset(months=3) - pd.Timedelta(days=1)
        out.append((first.date(), last.date()))
    return out


def _as_at(outcomes: pd.DataFrame, today: date) -> pd.DataFrame:
    """Only what was known on ``today``: outcomes given by then, releases that happened."""
    when = pd.Timestamp(today)
    known = outcomes[pd.to_datetime(outcomes["outcome_date"]) <= when].copy()
    release = pd.to_datetime(known["release_date"])
    known["release_date"] = release.where(release <= when)
    return known


def live_tracker(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    today: date,
) -> pd.DataFrame:
    """A cohort followed as far as ``today``, before national figures exist: who is counted
    (index event by today) and how many reoffences have been proven by today."""
    cohort = reoffending_cohort(children, offences, _as_at(outcomes, today), start, end)
    followed = (pd.Timestamp(today) - cohort["index_date"]).dt.days.clip(lower=0)
    cohort["days_followed"] = followed.clip(upper=365)
    cohort["follow_up_complete"] = followed >= 365 + 183
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
        return round(self.reoffenders_so_far / self.cohort_so_far * 100, 2)


def tracker_by_month(
    children: pd.DataFrame,
    offences: pd.DataFrame,
    outcomes: pd.DataFrame,
    start: date,
    end: date,
    today: date,
) -> list[TrackerMonth]:
    """The live tracker month by month: at each month's end from the cohort's first month
    until ``today`` (or until follow-up ends), the cohort and its reoffending so far."""
    known = _as_at(outcomes, today)
    p = prepare(children, offences, known)
    cohort = reoffending_cohort(children, offences, known, start, end, p)
    counted = counted_reoffences(p, cohort[["child_ref", "index_date"]])
    first_proven = counted.groupby("child_ref")["proven_date"].min()
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


@dataclass(frozen=True)
class RateIndex:
    group: str
    count: int | None  # None when suppressed
    population: int
    share_of_count: float | None
    share_of_population: float
    rri: float | None
    ci_low: float | None
    ci_high: float | None


def disproportionality(
    counts: dict[str, int],
    population: dict[str, int],
    reference: str = "White",
    suppress_below: int = 5,
) -> list[RateIndex]:
    """Relative rate index of each group against ``reference`` with a 95% confidence interval.

    RRI = (a / n_g) / (c / n_ref); ln(RRI) has standard error
    sqrt(1/a - 1/n_g + 1/c - 1/n_ref) (Katz log method). Counts below ``suppress_below`` are
    suppressed and get no index.
    """
    total_count = sum(counts.values())
    total_pop = sum(population.values())
    c, n_ref = counts.get(reference, 0), population.get(reference, 0)
    out = []
    for group, n in population.items():
        a = counts.get(group, 0)
        suppressed = 0 < a < suppress_below
        rri = low = high = None
        if group == reference and not suppressed and a and n:
            rri = 1.0  # by definition; the interval belongs to the groups compared with it
        elif not suppressed and a and c and n and n_ref and a <= n and c <= n_ref:
            rri = (a / n) / (c / n_ref)
            se = float(np.sqrt(max(1 / a - 1 / n + 1 / c - 1 / n_ref, 0.0)))
            low, high = rri * float(np.exp(-1.96 * se)), rri * float(np.exp(1.96 * se))
        out.append(
            RateIndex(
                group,
                None if suppressed else a,
                n,
                None if suppressed or not total_count else a / total_count * 100,
                n / total_pop * 100 if total_pop else 0.0,
                rri,
                low,
                high,
            )
        )
    return out
