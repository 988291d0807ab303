"""The national youth justice indicators, the live tracker and disproportionality: pure
functions over the tables of ``files.SPEC``.

Every indicator is an ``Indicator`` row with numerator, denominator, value and unit, so
value = numerator ÷ denominator × scale can be re-derived by anyone. What each one means,
its unit, scale and which way is good are declared once, in the indicator registry
(``saferplan/indicators/registry.toml``; ``saferplan definitions`` prints them): the
functions here implement those definitions and take nothing else from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from saferplan.core.rounding import scaled_ratio
from saferplan.indicators.registry import get as definition
from saferplan.youthjustice.records import CUSTODIAL_TYPES, PROVEN_TYPES

# The ages the national indicators count (at the outcome, or the index date).
YOUTH_AGES = (10, 17)


@dataclass(frozen=True)
class Indicator:
    indicator: str
    period: str
    numerator: float
    denominator: float
    value: float | None
    unit: str  # e.g. 'per 100,000 aged 10-17', '%', 'per child'
    scale: float
    source: str = ""  # where the figure's records came from, when that varies by period


def ratio(key: str, period: str, numerator: float, denominator: float) -> Indicator:
    """The indicator ``key`` (unit, scale and rounding from the registry); no value when the
    denominator is 0."""
    found = definition(key)
    value = (
        None
        if denominator == 0
        else float(scaled_ratio(numerator, denominator, found.scale, found.decimals))
    )
    return Indicator(key, period, numerator, denominator, value, found.unit, found.scale)


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


def _aged_10_to_17(dob: pd.Series, when: pd.Series) -> pd.Series:
    ages = age_at(dob, when)
    return (ages >= YOUTH_AGES[0]) & (ages <= YOUTH_AGES[1])


def _between(values: pd.Series, start: date, end: date) -> pd.Series:
    return (values >= pd.Timestamp(start)) & (values <= pd.Timestamp(end))


def first_time_entries(events: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Each child's first ever caution or conviction, where it falls in the period and the
    child was 10-17 then: the first time entrants (of :func:`proven_events`)."""
    first = events.sort_values("outcome_date").drop_duplicates("child_ref")
    first = first[_between(first["outcome_date"], start, end)]
    return first[_aged_10_to_17(first["date_of_birth"], first["outcome_date"])]


def custodial_sentences(events: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Custodial sentences given in the period to children aged 10-17 at sentence."""
    custody = events[
        events["outcome_type"].isin(CUSTODIAL_TYPES) & _between(events["outcome_date"], start, end)
    ]
    return custody[_aged_10_to_17(custody["date_of_birth"], custody["outcome_date"])]


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
    count = len(first_time_entries(events, start, end))
    return ratio("first_time_entrants", label, count, population_10_17)


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
    count = len(custodial_sentences(events, start, end))
    return ratio("use_of_custody", label, count, population_10_17)


def yda_remands_starting(remand_table: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Remands to youth detention accommodation that began in the period."""
    yda = remand_table[remand_table["remand_type"] == "yda"]
    return yda[_between(pd.to_datetime(yda["start_date"]), start, end)]


def remands(remand_table: pd.DataFrame, start: date, end: date, label: str) -> list[Indicator]:
    yda = remand_table[remand_table["remand_type"] == "yda"]
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    starts = pd.to_datetime(yda["start_date"])
    ends = pd.to_datetime(yda["end_date"])
    episodes = len(yda_remands_starting(remand_table, start, end))
    window_end = ends.where(ends < e + pd.Timedelta(days=1), e + pd.Timedelta(days=1))
    window_start = starts.where(starts > s, s)
    overlap = (window_end - window_start).dt.days
    nights = int(overlap.clip(lower=0).sum())
    return [
        ratio("remand_episodes_yda", label, episodes, 1),
        ratio("remand_nights_yda", label, nights, 1),
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
    index = index[_aged_10_to_17(index["date_of_birth"], index["index_date"])]
    index = index[["child_ref", "index_date"]]

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
        ratio("reoffending_binary_rate", label, reoffenders, sizes),
        ratio("reoffences_per_child", label, reoffences, sizes),
        ratio("reoffences_per_reoffender", label, reoffences, reoffenders),
    ]


def cohort_spans(start: date, end: date) -> list[tuple[date, date]]:
    """The proven reoffending cohorts of a period: its four quarters when it is 12 months
    from the 1st of a month (annual figures add up four quarterly cohorts), else itself."""
    twelve_months = pd.Timestamp(start) + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    if start.day == 1 and twelve_months.date() == end:
        return quarters(start)
    return [(start, end)]


def quarters(start: date) -> list[tuple[date, date]]:
    """The four quarters of the 12 months from ``start``."""
    out = []
    for q in range(4):
        first = pd.Timestamp(start) + pd.DateOffset(months=3 * q)
        last = first + pd.DateOffset(months=3) - pd.Timedelta(days=1)
        out.append((first.date(), last.date()))
    return out


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
