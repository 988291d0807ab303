"""The local youth justice indicators plans publish beside the national ones: pure functions
over the tables of ``spec.SPEC``.

Youth Justice Plans tabulate, from the service's own records (Harrow's 2019-20 plan, its
Tables A, B and E to G): triage cases who became first time entrants within 12 months, and
first time entrants who reoffended within 12 months, each by quarterly cohort; new and
active interventions by type, month by month; and the main offence of each new outcome for
triage cases, first time entrants and re-offenders. What each figure means is declared in
the indicator registry (the ``local_*`` keys); the functions here implement it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from saferplan.core.periods import add_months
from saferplan.core.rounding import scaled_ratio
from saferplan.indicators.registry import get as definition
from saferplan.youthjustice.indicators import age_at, counted_reoffences, first_time_entries
from saferplan.youthjustice.records import OUTCOME_TYPES, PROVEN_TYPES

TRIAGE = "triage"
# Months after a cohort's quarter before its figures are final: 12 months to become a
# first time entrant; 12 months to reoffend and a further 6 for the offence to be proven.
TRIAGE_FOLLOW_MONTHS = 12
REOFFENDING_FOLLOW_MONTHS = 18
REMAND_LABELS = {
    "yda": "Remand to youth detention accommodation",
    "la": "Remand to local authority accommodation",
}
GROUPS = ("Triage", "First time entrants", "Re-offenders")


def percent(key: str, numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator × the registry's scale, rounded as it says; none of none."""
    found = definition(key)
    if not denominator:
        return None
    return scaled_ratio(numerator, denominator, found.scale, found.decimals)


def quarter_label(first: date) -> str:
    """'Q1 2018/19' for April to June 2018: financial-year quarters, as plans number them."""
    start = first.year if first.month >= 4 else first.year - 1
    number = (first.month - 4) % 12 // 3 + 1
    return f"Q{number} {start}/{str(start + 1)[2:]}"


def month_end(first: date) -> date:
    return date.fromordinal(add_months(first, 1).toordinal() - 1)


def completed_quarters(data_to: date, follow_months: int, count: int) -> list[tuple[date, date]]:
    """The last ``count`` financial quarters whose cohorts were followed for
    ``follow_months`` by ``data_to`` (the last date the records cover), oldest first."""
    # The latest quarter start whose follow-up ends on or before data_to.
    latest = add_months(date(data_to.year, data_to.month, 1), -follow_months)
    while (latest.month - 4) % 3:
        latest = add_months(latest, -1)
    out: list[tuple[date, date]] = []
    first = latest
    while len(out) < count:
        last = month_end(add_months(first, 2))
        if month_end(add_months(last.replace(day=1), follow_months)) <= data_to:
            out.append((first, last))
        first = add_months(first, -3)
    return out[::-1]


@dataclass(frozen=True)
class CohortRow:
    """One quarterly cohort: its children, how many of them did what the figure counts, the
    % (rounded as the registry says), and for reoffending the reoffences counted."""

    quarter: str
    first: date
    last: date
    cohort: int
    counted: int
    pct: Decimal | None
    reoffences: int | None = None
    per_reoffender: Decimal | None = None


def _within(values: pd.Series, first: date, last: date) -> pd.Series:
    return (values >= pd.Timestamp(first)) & (values <= pd.Timestamp(last))


def triage_cohort(
    children: pd.DataFrame, outcomes: pd.DataFrame, events: pd.DataFrame, first: date, last: date
) -> pd.DataFrame:
    """Children triaged in the quarter who had never been cautioned or convicted (so could
    become first time entrants), aged 10-17 at the triage: one row per child, the first
    triage of the quarter, with ``became_fte`` (first caution or conviction within 12
    months after it)."""
    triage = outcomes[outcomes["outcome_type"] == TRIAGE].drop_duplicates("outcome_id")
    triage = triage.assign(triage_date=pd.to_datetime(triage["outcome_date"]))
    triage = triage[_within(triage["triage_date"], first, last)]
    triage = triage.sort_values(["triage_date", "outcome_id"]).drop_duplicates("child_ref")
    triage = triage[["child_ref", "triage_date"]].merge(
        children[["child_ref", "date_of_birth"]], on="child_ref"
    )
    ages = age_at(triage["date_of_birth"], triage["triage_date"])
    triage = triage[(ages >= 10) & (ages <= 17)]
    entry = events.groupby("child_ref")["outcome_date"].min().rename("entry").reset_index()
    triage = triage.merge(entry, on="child_ref", how="left")
    triage = triage[triage["entry"].isna() | (triage["entry"] > triage["triage_date"])]
    follow_end = triage["triage_date"] + pd.DateOffset(months=TRIAGE_FOLLOW_MONTHS)
    became = triage["entry"].notna() & (triage["entry"] <= follow_end)
    return triage.assign(became_fte=became)[["child_ref", "triage_date", "became_fte"]]


def triage_to_fte(
    children: pd.DataFrame,
    outcomes: pd.DataFrame,
    events: pd.DataFrame,
    quarters: list[tuple[date, date]],
) -> list[CohortRow]:
    """Triage cases becoming first time entrants within 12 months, by quarterly cohort."""
    rows = []
    for first, last in quarters:
        cohort = triage_cohort(children, outcomes, events, first, last)
        became = int(cohort["became_fte"].sum())
        rows.append(
            CohortRow(
                quarter_label(first),
                first,
                last,
                len(cohort),
                became,
                percent("local_triage_to_fte", became, len(cohort)),
            )
        )
    return rows


def fte_reoffending(
    prepared: Any, events: pd.DataFrame, quarters: list[tuple[date, date]]
) -> list[CohortRow]:
    """First time entrants of each quarter who reoffended within 12 months of entry (the
    offence committed within 12 months and proven within 18, breaches never counted)."""
    rows = []
    for first, last in quarters:
        entrants = first_time_entries(events, first, last)
        index = entrants[["child_ref", "outcome_date"]].rename(
            columns={"outcome_date": "index_date"}
        )
        reoffences = counted_reoffences(prepared, index).groupby("child_ref").size()
        reoffenders, counted = len(reoffences), int(reoffences.sum())
        rows.append(
            CohortRow(
                quarter_label(first),
                first,
                last,
                len(index),
                reoffenders,
                percent("local_fte_reoffending", reoffenders, len(index)),
                counted,
                percent("local_fte_reoffences_per_reoffender", counted, reoffenders),
            )
        )
    return rows


@dataclass(frozen=True)
class MonthlyTable:
    """Counts by type (rows, in a fixed order) and month (columns), with each row's total
    over the months (new interventions only: active ones are a month-end snapshot)."""

    months: list[date]
    types: list[str]
    counts: dict[str, list[int]]

    def column_totals(self) -> list[int]:
        return [sum(self.counts[t][i] for t in self.types) for i in range(len(self.months))]

    def row_total(self, kind: str) -> int:
        return sum(self.counts[kind])


def _intervention_spans(orders: pd.DataFrame, remands: pd.DataFrame) -> pd.DataFrame:
    """Every order and remand as (type label, start, end) — the service's interventions."""
    labels = {k: o.label for k, o in OUTCOME_TYPES.items()}
    spans = pd.DataFrame(
        {
            "type": orders["order_type"].map(labels),
            "start": pd.to_datetime(orders["start_date"]),
            "end": pd.to_datetime(orders["end_date"]),
        }
    )
    remand_spans = pd.DataFrame(
        {
            "type": remands["remand_type"].map(REMAND_LABELS),
            "start": pd.to_datetime(remands["start_date"]),
            "end": pd.to_datetime(remands["end_date"]),
        }
    )
    return pd.concat([spans, remand_spans], ignore_index=True)


def _type_order() -> list[str]:
    return [o.label for o in OUTCOME_TYPES.values()] + list(REMAND_LABELS.values())


def interventions_by_month(
    orders: pd.DataFrame, remands: pd.DataFrame, months: list[date], active: bool = False
) -> MonthlyTable:
    """New interventions (orders and remands starting in each month) by type, or
    (``active``) those open at each month's end: started by then, not yet ended."""
    spans = _intervention_spans(orders, remands)
    counts: dict[str, list[int]] = {t: [] for t in _type_order()}
    for first in months:
        end = pd.Timestamp(month_end(first))
        if active:
            chosen = spans[(spans["start"] <= end) & (spans["end"].isna() | (spans["end"] > end))]
        else:
            chosen = spans[_within(spans["start"], first, month_end(first))]
        by_type = chosen["type"].value_counts()
        for kind in counts:
            counts[kind].append(int(by_type.get(kind, 0)))
    types = [t for t in counts if any(counts[t])]
    return MonthlyTable(months, types, {t: counts[t] for t in types})


@dataclass(frozen=True)
class OffenceLine:
    offence_type: str
    counts: dict[str, int]  # group -> main offences of that type
    pcts: dict[str, Decimal | None]


def _status_groups(events: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each outcome's group: triage, a child's first caution or conviction, or a later one."""
    first = events.sort_values(["outcome_date", "outcome_id"]).drop_duplicates("child_ref")
    first_ids = set(first["outcome_id"])
    distinct = outcomes.drop_duplicates("outcome_id")
    group = pd.Series(pd.NA, index=distinct.index, dtype="object")
    group[distinct["outcome_type"] == TRIAGE] = GROUPS[0]
    proven = distinct["outcome_type"].isin(PROVEN_TYPES)
    group[proven & distinct["outcome_id"].isin(first_ids)] = GROUPS[1]
    group[proven & ~distinct["outcome_id"].isin(first_ids)] = GROUPS[2]
    return distinct.assign(group=group).dropna(subset=["group"])


def offence_profile(
    offences: pd.DataFrame, outcomes: pd.DataFrame, events: pd.DataFrame, first: date, last: date
) -> list[OffenceLine]:
    """The main offence (the most serious: highest gravity score, then the earliest) of
    each outcome in the period, by group (triage, first time entrants, re-offenders)."""
    grouped = _status_groups(events, outcomes)
    grouped = grouped[_within(pd.to_datetime(grouped["outcome_date"]), first, last)]
    links = outcomes[outcomes["outcome_id"].isin(set(grouped["outcome_id"]))]
    covered = links[["outcome_id", "offence_id"]].merge(
        offences[["offence_id", "offence_type", "gravity", "offence_date", "is_breach"]],
        on="offence_id",
    )
    covered = covered.assign(
        offence_type=covered["offence_type"].where(~covered["is_breach"].astype(bool), "Breach")
    )
    main = covered.sort_values(
        ["outcome_id", "gravity", "offence_date", "offence_id"], ascending=[True, False, True, True]
    ).drop_duplicates("outcome_id")
    main = main.merge(grouped[["outcome_id", "group"]], on="outcome_id")
    table = main.groupby(["offence_type", "group"]).size()
    totals = main["group"].value_counts()
    lines = []
    for offence_type in sorted(main["offence_type"].unique()):
        counts = {g: int(table.get((offence_type, g), 0)) for g in GROUPS}
        pcts = {
            g: percent("local_offence_profile", counts[g], int(totals.get(g, 0))) for g in GROUPS
        }
        lines.append(OffenceLine(str(offence_type), counts, pcts))
    return lines
