"""Indicators from the database's records, for a period, with the right population."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period, add_months, parse_period
from saferplan.youthjustice import indicators as ind
from saferplan.youthjustice import kpis
from saferplan.youthjustice.records import CUSTODIAL_TYPES
from saferplan.youthjustice.store import tables


@dataclass(frozen=True)
class Population:
    value: int
    description: str


def service_area() -> str:
    """The area of the youth justice service in scope (its partnership's setting)."""
    from saferplan.accounts.tenancy import require_partnership

    partnership = require_partnership()
    area = partnership.youth_justice_area or partnership.area
    if not area:
        raise NotFoundError(
            f"{partnership} has no youth justice area set",
            hint=f'Set it: saferplan accounts partnership "{partnership}" '
            "--youth-justice-area AREA.",
        )
    return area


def population_10_17(area: str, year: int, override: int | None = None) -> Population:
    """The area's population aged 10-17 for ``year`` (nearest year), from the partnership's
    chosen population set if it has one."""
    if override:
        return Population(override, "given on the command line")
    from saferplan.accounts.tenancy import current_partnership
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.population import populations

    partnership = current_partnership()
    chosen = partnership.youth_population_set if partnership is not None else ""
    found = populations(
        Warehouse().connect(),
        "borough",
        [area],
        year,
        population_set=chosen or None,
        age_band="10-17",
    )
    if area not in found:
        raise NotFoundError(
            f"no population aged 10-17 for {area}",
            hint="Import one (saferplan import population, single year of age or a long file "
            "with age_band 10-17), or pass --population-10-17.",
        )
    figure = found[area]
    return Population(figure.value, f"{figure.population_set} ({figure.year}), {figure.source}")


def default_period() -> str:
    """The latest financial year the records cover whole, so pages open on real figures."""
    from saferplan.youthjustice.models import Outcome

    last = Outcome.objects.order_by("-outcome_date").values_list("outcome_date", flat=True).first()
    if last is None:
        raise NotFoundError(
            "no youth justice records have been imported",
            hint="Import an extract: saferplan youthjustice import FOLDER.",
        )
    start = last.year - (1 if last.month >= 4 else 2)
    if last.month == 3 and last.day == 31:
        start += 1
    return f"{start}-{str(start + 1)[2:]}"


def _end(period: Period) -> date:
    return date.fromordinal(add_months(period.last, 1).toordinal() - 1)


def national_indicators_for(
    period_text: str, population: int, t: dict[str, pd.DataFrame] | None = None
) -> list[ind.Indicator]:
    """FTE, custody and remands in the period; proven reoffending of its four quarterly
    cohorts (a 12-month period) or of its single cohort."""
    period = parse_period(period_text)
    start, end = period.first, _end(period)
    t = tables() if t is None else t
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


def kpis_for(
    period_text: str, population: int, t: dict[str, pd.DataFrame] | None = None
) -> list[ind.Indicator]:
    """The YJB key performance indicators for orders that ended in the period."""
    period = parse_period(period_text)
    t = tables() if t is None else t
    return kpis.kpis(t, period.first, _end(period), period.label, population)


def indicators_for(period_text: str, population: int) -> list[ind.Indicator]:
    """Every indicator: the national ones, then the key performance indicators."""
    t = tables()
    return national_indicators_for(period_text, population, t) + kpis_for(
        period_text, population, t
    )


def profile_for(period_text: str) -> list[kpis.ProfileRow]:
    period = parse_period(period_text)
    return kpis.profile(tables(), period.first, _end(period))


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None


def trends_for(
    period_text: str, population_for: Callable[[int], int], years: int = 5
) -> dict[str, list[TrendPoint]]:
    """The national indicators over ``years`` periods ending with this one (same span).

    A period that ends before the records begin has no figure (not a zero)."""
    period = parse_period(period_text)
    t = tables()
    dates = pd.to_datetime(t["outcomes"]["outcome_date"])
    first_record = dates.min().date() if len(dates) else None
    out: dict[str, list[TrendPoint]] = {}
    for back in range(years - 1, -1, -1):
        earlier = period.shifted_years(-back)
        text = _period_text(earlier)
        rows = national_indicators_for(text, population_for(earlier.reference_year), t)
        recorded = first_record is not None and _end(earlier) >= first_record
        for row in rows:
            value = row.value if recorded else None
            out.setdefault(row.indicator, []).append(TrendPoint(earlier.label, value))
    return out


def _period_text(period: Period) -> str:
    """Text that :func:`parse_period` reads back as ``period``."""
    if period.kind == "financial-year":
        return f"{period.first.year}-{str(period.first.year + 1)[2:]}"
    if period.kind == "calendar-year":
        return str(period.first.year)
    if period.kind == "12-months":
        return f"12m-{period.last:%Y-%m}"
    return f"{period.first:%Y-%m}..{period.last:%Y-%m}"


TRACKER_COLUMNS = [
    "child_ref",
    "index_date",
    "days_followed",
    "reoffences",
    "reoffended_so_far",
    "follow_up_complete",
]


def tracker(period_text: str, today: date) -> list[dict[str, Any]]:
    """The live tracker's children as plain values (TRACKER_COLUMNS), for pages and files."""
    period = parse_period(period_text)
    t = tables()
    cohort = ind.live_tracker(
        t["children"], t["offences"], t["outcomes"], period.first, _end(period), today
    )
    return [
        {
            "child_ref": r["child_ref"],
            "index_date": r["index_date"].date(),
            "days_followed": int(r["days_followed"]),
            "reoffences": int(r["reoffences"]),
            "reoffended_so_far": bool(r["reoffended_so_far"]),
            "follow_up_complete": bool(r["follow_up_complete"]),
        }
        for r in cohort.to_dict("records")
    ]


def tracker_by_month(period_text: str, today: date) -> list[ind.TrackerMonth]:
    period = parse_period(period_text)
    t = tables()
    return ind.tracker_by_month(
        t["children"], t["offences"], t["outcomes"], period.first, _end(period), today
    )


DISPROPORTIONALITY_MEASURES = {
    "fte": "First time entrants",
    "custody": "Custodial sentences",
    "remands": "Remands to youth detention accommodation",
    "reoffending": "Reoffenders in the cohort",
}


@dataclass(frozen=True)
class Disproportionality:
    rows: list[ind.RateIndex]
    denominator: str  # what the population shares are of


def disproportionality_for(
    period_text: str,
    population_by_group: dict[str, int] | None = None,
    measure: str = "fte",
    area: str | None = None,
) -> Disproportionality:
    """Children counted by ``measure`` in the period, by ethnic group, against the 10-17
    population by group (given, or imported for ``area``, by default the service's), or
    else the children known to the service."""
    from saferplan.youthjustice.comparators import population_by_ethnicity

    if measure not in DISPROPORTIONALITY_MEASURES:
        raise NotFoundError(
            f"no disproportionality measure '{measure}'",
            hint=f"Use one of: {', '.join(DISPROPORTIONALITY_MEASURES)}.",
        )
    area = area or service_area()
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
    if population_by_group is not None:
        population, denominator = population_by_group, "the population given"
    elif found := population_by_ethnicity(area, period.reference_year):
        year, population = found
        denominator = f"{area}'s population aged 10-17 by ethnic group ({year})"
    else:
        population = {str(k): int(v) for k, v in t["children"]["ethnicity"].value_counts().items()}
        denominator = (
            "the children known to the service (no population by ethnic group imported: "
            "saferplan youthjustice population-by-ethnicity FILE)"
        )
    rows = ind.disproportionality(
        {str(k): int(v) for k, v in counts.items()}, {str(k): int(v) for k, v in population.items()}
    )
    return Disproportionality(rows, denominator)
