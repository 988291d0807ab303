"""The Strategic Assessment as one computed data structure.

Every figure, sentence, table and chart of the document comes from an ``Assessment``; the
renderers only lay it out, and ``check.py`` re-derives its arithmetic from the bundle it is
saved as. Nothing here draws or writes files. A build that would say nothing is refused
here, before anything is computed: an unknown area or comparator, a year outside the data,
or no theme with figures stops it with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.core.periods import Period, parse_period
from saferplan.crime import queries, statistics
from saferplan.crime.comparisons import resolve_comparators
from saferplan.crime.groups import groups_sha256
from saferplan.crime.harm import HarmTable, theme_harm
from saferplan.crime.themes import Theme, ThemeBook
from saferplan.geography.areas import resolve_area
from saferplan.geography.boundaries import boundaries_frame
from saferplan.geography.wards import ward_places, ward_vintage
from saferplan.reports import narrative
from saferplan.reports.sections import Scope, ThemeSection, add_hotspots, build_section
from saferplan.reports.sentences import Sentence
from saferplan.reports.suppression import NO_SUPPRESSION, SuppressionRule

EDITIONS = ("public", "restricted")


@dataclass(frozen=True)
class HarmRow:
    """A theme's share of all offences and of all harm (the volume-and-harm table)."""

    key: str
    count: int
    count_share: Decimal  # % of total notifiable crime, 1 decimal
    harm: Decimal
    harm_share: Decimal
    coverage: Decimal


@dataclass
class Assessment:
    area: str
    area_code: str | None
    period: Period
    baseline: Period
    comparators: list[str]
    edition: str
    suppression: SuppressionRule
    sections: list[ThemeSection]
    unavailable: list[tuple[Theme, str]]  # themes without data, and why
    findings: list[Sentence]
    import_ids: list[int]
    generated: date
    provenance: list[dict[str, Any]] = field(default_factory=list)
    harm_table: HarmTable | None = None
    harm_rows: list[HarmRow] = field(default_factory=list)
    lsoa_boundaries: Any = None  # GeoDataFrame of the area's LSOAs (EPSG:27700)
    outline: Any = None  # GeoDataFrame of the area's own boundary
    lsoa_outline: Any = None  # the LSOAs' outer boundary, drawn on each rate map (made once)
    boundary_import_ids: list[int] = field(default_factory=list)
    vintage: str | None = None  # the year of the period's wards
    places: Any = None  # GeoDataFrame of those wards (with boundaries): the maps' labels
    # SHA-256 of the themes and comparator groups TOML it was built with (which version).
    definitions: dict[str, str] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return self.edition == "public"


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (
        statistics.round_half_up(Decimal(part) * 100 / Decimal(whole), 1) if whole else Decimal(0)
    )


def harm_rows(sections: list[ThemeSection]) -> list[HarmRow]:
    """Volume and harm side by side: each theme's share of total crime and of its harm."""
    total = next((s for s in sections if s.theme.key == "total" and s.harm is not None), None)
    if total is None or total.harm is None:
        return []
    rows = []
    for s in sections:
        if s.harm is None or s.theme.key == "total":
            continue
        rows.append(
            HarmRow(
                s.theme.key,
                s.subject.count_period,
                _share(s.subject.count_period, total.subject.count_period),
                s.harm.harm_period,
                _share(s.harm.harm_period, total.harm.harm_period),
                s.harm.coverage,
            )
        )
    return rows


def _boundary_imports(con: duckdb.DuckDBPyConnection, codes: list[str]) -> list[int]:
    rows = con.execute(
        "SELECT DISTINCT import_id FROM boundaries WHERE area_code IN (SELECT unnest(?))",
        [codes],
    ).fetchall()
    return sorted(r[0] for r in rows)


def _inputs(
    con: duckdb.DuckDBPyConnection, area: str, year: str, baseline: str | None, edition: str
) -> tuple[Any, Period, Period]:
    """The area and periods, refused at once when the data cannot give an assessment."""
    if edition not in EDITIONS:
        raise SaferplanError(f"unknown edition '{edition}'", hint="Use public or restricted.")
    subject = resolve_area(con, area, "borough")
    period = parse_period(year)
    before = parse_period(baseline) if baseline else period.shifted_years(-1)
    queries.require_months(con, "borough", [period, before], subject=subject.name)
    return subject, period, before


def _sections(
    con: duckdb.DuckDBPyConnection,
    themes: list[Theme],
    scope: Scope,
    harm_table: HarmTable | None,
) -> tuple[list[ThemeSection], list[tuple[Theme, str]]]:
    """A section for each theme with figures; the others, with the reason they have none."""
    sections: list[ThemeSection] = []
    unavailable: list[tuple[Theme, str]] = []
    for theme in themes:
        try:
            section = build_section(con, theme, scope)
        except NotFoundError as exc:
            unavailable.append((theme, f"{exc.message}. {exc.hint or ''}".strip()))
            continue
        if harm_table is not None:
            section.harm = theme_harm(con, harm_table, theme, section.table.source,
                                      section.table.level, scope.area, scope.period,
                                      scope.baseline)  # fmt: skip
        sections.append(section)
    return sections, unavailable


def _with_hot_spots(section: ThemeSection) -> bool:
    """Hot spots for all crime and for anti-social behaviour, where police.uk points exist."""
    return section.theme.key == "total" or section.theme.is_asb


def build_assessment(
    con: duckdb.DuckDBPyConnection,
    book: ThemeBook,
    area: str,
    year: str,
    comparators: list[str],
    *,
    edition: str = "public",
    rule: SuppressionRule | None = None,
    themes: list[str] | None = None,
    baseline: str | None = None,
    harm_table: HarmTable | None = None,
) -> Assessment:
    """Compute every theme section for ``area`` in ``year`` against the year before."""
    subject, period, before = _inputs(con, area, year, baseline, edition)
    resolve_comparators(con, comparators, "borough")  # an unknown comparator stops it here
    rule = rule or (SuppressionRule() if edition == "public" else NO_SUPPRESSION)
    chosen = [book.get(key) for key in themes] if themes else list(book.themes.values())
    vintage = ward_vintage(con, period)
    places = ward_places(con, subject.name, vintage)
    scope = Scope(subject.name, period, before, comparators, rule, edition == "public",
                  vintage, places)  # fmt: skip
    sections, unavailable = _sections(con, chosen, scope, harm_table)
    _refuse_empty(sections, unavailable, explicit=bool(themes), area=subject.name, period=period)
    lsoas = boundaries_frame(con, "lsoa", subject.name)
    outline = boundaries_frame(con, "borough", subject.code or subject.name)
    for section in sections:
        if _with_hot_spots(section):
            add_hotspots(con, section, subject.name, period, before, outline)
    for section in sections:
        narrative.write_section(section, harm_table)
    codes = _mapped_codes(sections, lsoas, outline, places)
    boundary_ids = _boundary_imports(con, codes) if codes else []
    ids = {i for s in sections for i in s.import_ids} | set(boundary_ids)
    return Assessment(
        subject.name,
        subject.code,
        period,
        before,
        comparators,
        edition,
        rule,
        sections,
        unavailable,
        narrative.key_findings(sections),
        sorted(ids),
        date.today(),
        harm_table=harm_table,
        harm_rows=harm_rows(sections),
        lsoa_boundaries=lsoas,
        outline=outline,
        boundary_import_ids=boundary_ids,
        vintage=vintage,
        places=places if codes else None,
        definitions={"themes_sha256": book.sha256, "comparators_sha256": groups_sha256()},
    )


def _mapped_codes(sections: list[ThemeSection], lsoas: Any, outline: Any, places: Any) -> list[str]:
    """The areas whose boundaries a map draws (for provenance): none if nothing is mapped."""
    if not any(s.lsoa_map or s.ward_map or s.hotspots for s in sections):
        return []
    return [*lsoas["area_code"], *outline["area_code"], *places["area_code"]]


def _refuse_empty(
    sections: list[ThemeSection],
    unavailable: list[tuple[Theme, str]],
    *,
    explicit: bool,
    area: str,
    period: Period,
) -> None:
    """No document without its themes: none at all, or one the user asked for by name."""
    reasons = "; ".join(f"{t.title}: {why}" for t, why in unavailable)
    if not sections:
        raise SaferplanError(
            f"the {area} assessment for {period.label} would have no themes, so it was not "
            f"written ({reasons})"
        )
    if explicit and unavailable:
        raise SaferplanError(
            f"the {area} assessment for {period.label} was not written: a theme asked for has "
            f"no figures ({reasons})"
        )
