"""Indicators from the database's records, for a period, with the right population."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from saferplan.crime.periods import Period, add_months, parse_period
from saferplan.datastore.errors import NotFoundError
from saferplan.youthjustice import indicators as ind
from saferplan.youthjustice.records import CUSTODIAL_TYPES
from saferplan.youthjustice.store import tables


@dataclass(frozen=True)
class Population:
    value: int
    description: str


def population_10_17(area: str, year: int, override: int | None = None) -> Population:
    if override:
        return Population(override, "given on the command line")
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.population import populations

    found = populations(Warehouse().connect(), "borough", [area], year, age_band="10-17")
    if area not in found:
        raise NotFoundError(
            f"no population aged 10-17 for {area}",
            hint="Import one (saferplan import population, single year of age or a long file "
            "with age_band 10-17), or pass --population-10-17.",
        )
    figure = found[area]
    return Population(figure.value, f"{figure.population_set} ({figure.year}), {figure.source}")


def _end(period: Period) -> date:
    return date.fromordinal(add_months(period.last, 1).toordinal() - 1)


def indicators_for(period_text: str, population: int) -> list[ind.Indicator]:
    """FTE, custody and remands in the period; proven reoffending of its four quarterly
    cohorts (a 12-month period) or of its single cohort."""
    period = parse_period(period_text)
    start, end = period.first, _end(period)
    t = tables()
    events = ind.proven_events(t["children"], t["outcomes"])
    rows = [
        ind.first_time_entrants(
            t["children"], t["outcomes"], start, end, population, period.label, events
        ),
        ind.use_of_custody(
            t["children"], t["outcomes"], start, end, population, period.label, events
        ),
        *ind.remands(t["remands"], start, end, period.label),
    ]
    prepared = ind.prepare(t["children"], t["offences"], t["outcomes"], events)
    spans = ind.quarters(start) if len(period.months) == 12 else [(start, end)]
    cohorts = [
        ind.reoffending_cohort(t["children"], t["offences"], t["outcomes"], a, b, prepared)
        for a, b in spans
    ]
    rows += ind.reoffending(cohorts, f"cohort {period.label}")
    return rows


def tracker(period_text: str, today: date) -> pd.DataFrame:
    period = parse_period(period_text)
    t = tables()
    return ind.live_tracker(
        t["children"], t["offences"], t["outcomes"], period.first, _end(period), today
    )


DISPROPORTIONALITY_MEASURES = {
    "fte": "First time entrants",
    "custody": "Custodial sentences",
    "remands": "Remands to youth detention accommodation",
    "reoffending": "Reoffenders in the cohort",
}


def disproportionality_for(
    period_text: str, population_by_group: dict[str, int] | None = None, measure: str = "fte"
) -> list[ind.RateIndex]:
    """Children counted by ``measure`` in the period, by ethnic group, against the 10-17
    population by group (when known) or else the children known to the service."""
    if measure not in DISPROPORTIONALITY_MEASURES:
        raise NotFoundError(
            f"no disproportionality measure '{measure}'",
            hint=f"Use one of: {', '.join(DISPROPORTIONALITY_MEASURES)}.",
        )
    period = parse_period(period_text)
    start, end = pd.Timestamp(period.first), pd.Timestamp(_end(period))
    t = tables()
    events = ind.proven_events(t["children"], t["outcomes"])
    if measure == "fte":
        first = events.sort_values("outcome_date").drop_duplicates("child_ref")
        refs = first[(first["outcome_date"] >= start) & (first["outcome_date"] <= end)]["child_ref"]
    elif measure == "custody":
        custody = events[events["outcome_type"].isin(CUSTODIAL_TYPES)]
        refs = custody[(custody["outcome_date"] >= start) & (custody["outcome_date"] <= end)][
            "child_ref"
        ]
    elif measure == "remands":
        remands = t["remands"]
        remands = remands[remands["remand_type"] == "yda"]
        refs = remands[(remands["start_date"] >= start) & (remands["start_date"] <= end)][
            "child_ref"
        ]
    else:
        cohort = ind.reoffending_cohort(
            t["children"], t["offences"], t["outcomes"], period.first, _end(period)
        )
        refs = cohort[cohort["reoffences"] > 0]["child_ref"]
    # Children, not events: a child sentenced twice counts once.
    counted = t["children"][t["children"]["child_ref"].isin(set(refs))]
    counts = counted["ethnicity"].value_counts().to_dict()
    population = population_by_group or t["children"]["ethnicity"].value_counts().to_dict()
    return ind.disproportionality(
        {str(k): int(v) for k, v in counts.items()}, {str(k): int(v) for k, v in population.items()}
    )
