"""Indicators from the database's records, for a period, with the right population.

A page or command reads the partnership's records once (:class:`Records`) and hands them to
every figure it shows; what all indicators derive from them (proven events, each offence's
first proof) is worked out once too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import Period, add_months, parse_period
from saferplan.youthjustice import indicators as ind
from saferplan.youthjustice import kpis
from saferplan.youthjustice import tracker as live


@dataclass(frozen=True)
class Population:
    value: int
    description: str


# Figures one Records keeps of each kind (periods, populations and dates asked for): a
# bound, since a kept Records lives as long as its imports and anyone may ask for any.
FIGURES_KEPT = 256


class Records:
    """The partnership's case records as the indicator tables (``store.tables``), read once,
    with what every national indicator derives from them, worked out once."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        # National indicators by (first month, last month, population): a page showing a
        # period and its trend asks for the same period twice.
        self.national: dict[tuple[date, date, int], list[ind.Indicator]] = {}
        # Key performance indicators by period, population and what else they read (the
        # board's recorded meetings, the extract files named as the source).
        self.kpi_rows: dict[tuple[Any, ...], list[ind.Indicator]] = {}
        self._followed: dict[tuple[date, date, date], live.Followed] = {}

    def followed(self, period: Period, today: date) -> live.Followed:
        """The period's reoffending cohorts followed to ``today`` (the tracker's children and
        its months come from the same following)."""
        key = (period.first, _end(period), today)
        if key not in self._followed:
            _bound(self._followed)
            t = self.tables
            self._followed[key] = live.follow(t["children"], t["offences"], t["outcomes"], *key)
        return self._followed[key]

    @classmethod
    def read(cls) -> Records:
        from saferplan.youthjustice.store import tables

        return cls(tables())

    @classmethod
    def kept(cls) -> Records:
        """The records as :meth:`read` gives them, read once per process for the same
        imports, with every figure worked out from them kept beside them: the youth justice
        pages are asked again and again for figures that change only with an import."""
        version = records_version()
        if version is None:  # records no import brought: nothing to know them again by
            return cls.read()
        with _KEPT_LOCK:
            found = _KEPT.get(version)
            if found is not None:
                _KEPT.move_to_end(version)
                return found
        found = cls.read()
        with _KEPT_LOCK:
            _KEPT[version] = found
            while len(_KEPT) > RECORDS_KEPT:
                _KEPT.popitem(last=False)
        return found

    @cached_property
    def events(self) -> pd.DataFrame:
        return ind.proven_events(self.tables["children"], self.tables["outcomes"])

    @cached_property
    def prepared(self) -> Any:
        t = self.tables
        return ind.prepare(t["children"], t["offences"], t["outcomes"], self.events)

    @cached_property
    def first_outcome(self) -> date | None:
        dates = pd.to_datetime(self.tables["outcomes"]["outcome_date"])
        return dates.min().date() if len(dates) else None


# Records kept by :meth:`Records.kept`, by what they were imported from, newest use last:
# each web server process (and thread) finds the same figures until an import changes the
# key. A few partnerships' worth: each is the whole set of tables.
_KEPT: OrderedDict[tuple[Any, ...], Records] = OrderedDict()
_KEPT_LOCK = threading.Lock()
RECORDS_KEPT = 8


def _bound(figures: dict[Any, Any]) -> None:
    if len(figures) >= FIGURES_KEPT:
        figures.clear()


def records_version() -> tuple[Any, ...] | None:
    """What the partnership's records were imported from: the database, the partnership and
    each youth justice import's id, SHA-256 and time (records are stored only by imports,
    all of a file or none, so a new import, or one undone, changes this). None when no
    import brought them."""
    from django.db import connection

    from saferplan.accounts.tenancy import require_partnership
    from saferplan.datastore.models import ImportRecord
    from saferplan.youthjustice.store import IMPORT_KIND

    partnership = require_partnership()
    imports = tuple(
        ImportRecord.objects.filter(kind=IMPORT_KIND, partnership=partnership)
        .order_by("pk")
        .values_list("pk", "sha256", "finished_at")
    )
    if not imports:
        return None
    return (connection.alias, connection.settings_dict["NAME"], partnership.pk, imports)


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
    period_text: str, population: int, records: Records | None = None
) -> list[ind.Indicator]:
    """FTE, custody and remands in the period; proven reoffending of its cohorts (four
    quarterly cohorts for a 12-month period, else the period's one)."""
    period = parse_period(period_text)
    start, end = period.first, _end(period)
    r = records or Records.read()
    known = r.national.get((start, end, population))
    if known is not None:
        return known
    t = r.tables
    rows = [
        ind.first_time_entrants(
            t["children"], t["outcomes"], start, end, population, period.label, r.events
        ),
        ind.use_of_custody(
            t["children"], t["outcomes"], start, end, population, period.label, r.events
        ),
        *ind.remands(t["remands"], start, end, period.label),
    ]
    cohorts = [
        ind.reoffending_cohort(t["children"], t["offences"], t["outcomes"], a, b, r.prepared)
        for a, b in ind.cohort_spans(start, end)
    ]
    rows += ind.reoffending(cohorts, f"cohort {period.label}")
    _bound(r.national)
    r.national[(start, end, population)] = rows
    return rows


def kpis_for(
    period_text: str, population: int, records: Records | None = None
) -> list[ind.Indicator]:
    """The YJB key performance indicators for orders that ended in the period; board
    attendance from the management board's recorded meetings when there are any."""
    from saferplan.governance.reading import board_attendance_table

    period = parse_period(period_text)
    r = records or Records.read()
    start, end = period.first, _end(period)
    recorded, said = board_attendance_table(start, end), extract_said()
    meetings = None if recorded is None else tuple(recorded.itertuples(index=False, name=None))
    key = (start, end, population, meetings, said)
    known = r.kpi_rows.get(key)
    if known is None:
        _bound(r.kpi_rows)
        known = r.kpi_rows[key] = kpis.kpis(
            r.tables, start, end, period.label, population, recorded, said
        )
    return known


def extract_said(table: str = "board") -> str:
    """The imported extract files that brought the ``table``'s records, newest first, as
    "file, date" (each file of an extract is an import of its own)."""
    from django.utils import timezone

    from saferplan.datastore.models import ImportRecord
    from saferplan.youthjustice.store import IMPORT_KIND

    found = ImportRecord.objects.filter(kind=IMPORT_KIND).order_by("-finished_at", "-pk")
    return "; ".join(
        f"{i.file_name}, {timezone.localtime(i.finished_at):%-d %B %Y}"
        for i in found
        if (i.notes or {}).get("tables", {}).get(table)
    )


def indicators_for(
    period_text: str, population: int, records: Records | None = None
) -> list[ind.Indicator]:
    """Every indicator: the national ones, then the key performance indicators."""
    r = records or Records.read()
    return national_indicators_for(period_text, population, r) + kpis_for(
        period_text, population, r
    )


def profile_for(period_text: str, records: Records | None = None) -> list[kpis.ProfileRow]:
    period = parse_period(period_text)
    return kpis.profile((records or Records.read()).tables, period.first, _end(period))


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None


def trends_for(
    period_text: str,
    population_for: Callable[[int], int],
    years: int = 5,
    records: Records | None = None,
) -> dict[str, list[TrendPoint]]:
    """The national indicators over ``years`` periods ending with this one (same span).

    A period that ends before the records begin has no figure (not a zero)."""
    period = parse_period(period_text)
    r = records or Records.read()
    out: dict[str, list[TrendPoint]] = {}
    for back in range(years - 1, -1, -1):
        earlier = period.shifted_years(-back)
        text = _period_text(earlier)
        rows = national_indicators_for(text, population_for(earlier.reference_year), r)
        recorded = r.first_outcome is not None and _end(earlier) >= r.first_outcome
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


def tracker(period_text: str, today: date, records: Records | None = None) -> list[dict[str, Any]]:
    """The live tracker's children as plain values (TRACKER_COLUMNS, and the cohort each
    row belongs to), for pages and files: one row per child in each cohort."""
    period = parse_period(period_text)
    start, end = period.first, _end(period)
    cohort = live.children_followed((records or Records.read()).followed(period, today))
    spans = {pd.Timestamp(a): _span_label(a, b) for a, b in ind.cohort_spans(start, end)}
    return [
        {
            "cohort": spans[r["cohort_start"]],
            "child_ref": r["child_ref"],
            "index_date": r["index_date"].date(),
            "days_followed": int(r["days_followed"]),
            "reoffences": int(r["reoffences"]),
            "reoffended_so_far": bool(r["reoffended_so_far"]),
            "follow_up_complete": bool(r["follow_up_complete"]),
        }
        for r in cohort.to_dict("records")
    ]


def _span_label(first: date, last: date) -> str:
    same_month = (first.year, first.month) == (last.year, last.month)
    return f"{first:%b %Y}" if same_month else f"{first:%b %Y} to {last:%b %Y}"


def tracker_by_month(
    period_text: str, today: date, records: Records | None = None
) -> list[live.TrackerMonth]:
    period = parse_period(period_text)
    return live.months_followed((records or Records.read()).followed(period, today))


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


def counted_children(measure: str, period: Period, records: Records) -> set[str]:
    """The children ``measure`` counts in the period, each once, chosen exactly as the
    indicator of the same name chooses them (aged 10-17, the same cohorts)."""
    t = records.tables
    start, end = period.first, _end(period)
    if measure == "fte":
        refs = ind.first_time_entries(records.events, start, end)["child_ref"]
    elif measure == "custody":
        refs = ind.custodial_sentences(records.events, start, end)["child_ref"]
    elif measure == "remands":
        refs = ind.yda_remands_starting(t["remands"], start, end)["child_ref"]
    else:
        cohorts = [
            ind.reoffending_cohort(
                t["children"], t["offences"], t["outcomes"], a, b, records.prepared
            )
            for a, b in ind.cohort_spans(start, end)
        ]
        refs = pd.concat([c[c["reoffences"] > 0]["child_ref"] for c in cohorts])
    return set(refs)


def disproportionality_for(
    period_text: str,
    population_by_group: dict[str, int] | None = None,
    measure: str = "fte",
    area: str | None = None,
    records: Records | None = None,
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
    r = records or Records.read()
    children = r.tables["children"]
    counted = children[children["child_ref"].isin(counted_children(measure, period, r))]
    counts = counted["ethnicity"].value_counts().to_dict()
    if population_by_group is not None:
        population, denominator = population_by_group, "the population given"
    elif found := population_by_ethnicity(area, period.reference_year):
        population, denominator = found.figures, found.description
    else:
        population = {str(k): int(v) for k, v in children["ethnicity"].value_counts().items()}
        denominator = (
            "the children known to the service (no population by ethnic group imported: "
            "saferplan youthjustice population-by-ethnicity FILE)"
        )
    rows = ind.disproportionality(
        {str(k): int(v) for k, v in counts.items()}, {str(k): int(v) for k, v in population.items()}
    )
    return Disproportionality(rows, denominator)
