"""Wards and LSOAs of the assessed borough: the lists of highest, lowest and most increased.

Small-area figures are where a public edition could identify a victim, so every figure here
is produced as the edition shows it (1 to 4 as "<5", others rounded to 5). Wards are those
of the period's vintage (``geography.wards``); the rate maps are in ``areamaps``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period
from saferplan.crime import queries, statistics
from saferplan.crime.themes import Theme
from saferplan.reports.suppression import SuppressionRule


@dataclass(frozen=True)
class ChildArea:
    code: str | None
    name: str
    count: int  # exact: never written into a public edition
    change: int | None  # against the baseline, when the baseline has figures too
    shown: str  # the count as the edition prints it
    change_shown: str | None


@dataclass
class ChildAreas:
    """Every ward (or LSOA) of the borough, and which are highest, lowest, most increased."""

    level: str
    source: str
    period_label: str
    areas: list[ChildArea]
    highest: list[int]  # indexes into ``areas``
    lowest: list[int]
    most_increased: list[int]
    total: int  # the children's counts added up: less than the borough's when some are not located
    left_out: list[str]  # categories the borough counts and the child figures do not have
    left_out_count: int  # the borough's offences in those categories
    import_ids: list[int]
    vintage: str | None = None  # the year of the wards


def shown_change(rule: SuppressionRule, change: int) -> str:
    text = rule.apply(abs(change))
    return "0" if change == 0 else ("+" if change > 0 else "-") + text


@dataclass(frozen=True)
class _Found:
    """The figures a list is made from: which level, source and vintage, both periods."""

    level: str
    source: str
    vintage: str | None
    now: list[queries.AreaCount]
    before: dict[str, int] | None  # by code (or name); None when the baseline has none
    periods: list[Period]


def child_areas(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    baseline: Period,
    rule: SuppressionRule,
    vintage: str | None = None,
) -> ChildAreas | None:
    """Wards (of ``vintage``) if a source has them for the borough and period, else LSOAs;
    None if neither has. Changes only where the same source has the baseline too."""
    for level in ("ward", "lsoa"):
        v = vintage if level == "ward" else None
        try:
            source = queries.choose_source(con, theme, level, [period], area=borough, vintage=v)
        except NotFoundError:
            continue
        now = queries.area_counts(con, theme, level, period, source, borough=borough, vintage=v)
        if not now:
            continue
        found = _Found(level, source, v, now, None, [period])
        try:
            same = queries.choose_source(con, theme, level, [baseline], area=borough, vintage=v)
        except NotFoundError:
            same = None
        if same == source:
            then = queries.area_counts(con, theme, level, baseline, source, borough=borough,
                                       vintage=v)  # fmt: skip
            before = {c.code or c.name: c.count for c in then}
            found = _Found(level, source, v, now, before, [period, baseline])
        return _listed(con, theme, borough, period, rule, found)
    return None


def _listed(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    rule: SuppressionRule,
    found: _Found,
) -> ChildAreas:
    areas = []
    for c in sorted(found.now, key=lambda c: (c.name, c.code or "")):
        change = None if found.before is None else c.count - found.before.get(c.code or c.name, 0)
        shown = None if change is None else shown_change(rule, change)
        areas.append(ChildArea(c.code, c.name, c.count, change, rule.apply(c.count), shown))
    # Keys in the areas' (name) order, so ties are broken by name.
    ex = statistics.extremes(
        {f"{i:06d}": a.count for i, a in enumerate(areas)},
        {f"{i:06d}": a.change for i, a in enumerate(areas) if a.change is not None},
    )
    level, source, vintage = found.level, found.source, found.vintage
    ids = queries.contributing_imports(
        con, theme, source, level, found.periods, borough=borough, vintage=vintage
    )
    return ChildAreas(
        level,
        source,
        period.label,
        areas,
        [int(k) for k, _ in ex.highest],
        [int(k) for k, _ in ex.lowest],
        [int(k) for k, _ in ex.most_increased],
        sum(a.count for a in areas),
        *_left_out(con, theme, borough, period, source, level, vintage),
        ids,
        vintage,
    )


def _left_out(
    con: duckdb.DuckDBPyConnection,
    theme: Theme,
    borough: str,
    period: Period,
    source: str,
    level: str,
    vintage: str | None,
) -> tuple[list[str], int]:
    """Major categories in the borough's count of the theme that the child source lacks,
    and how many of the borough's offences they hold."""
    try:
        borough_source = queries.choose_source(con, theme, "borough", [period], area=borough)
    except NotFoundError:
        return [], 0
    if "police-uk" in (source, borough_source) or (source == "series") != (
        borough_source == "series"
    ):
        return [], 0  # crime types, or measures beside categories: nothing to compare
    have = queries.categories(con, theme, borough_source, "borough", period, area=borough)
    child = queries.categories(con, theme, source, level, period, borough=borough,
                               vintage=vintage)  # fmt: skip
    missing = sorted(set(have) - set(child))
    return missing, sum(have[m] for m in missing)
