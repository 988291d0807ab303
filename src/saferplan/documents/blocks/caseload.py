"""Youth justice blocks about the children and the board: the live reoffending tracker,
disproportionality, the cohort profile and management board attendance."""

from __future__ import annotations

from typing import Any

from saferplan.core.periods import parse_period
from saferplan.documents.blocks import Part, block, note, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import SUPPRESSED, Book, cell, text
from saferplan.documents.template import BlockUse
from saferplan.indicators import registry
from saferplan.youthjustice import local

SOURCE = "case records"


@block("yj_live_tracker", "Live reoffending tracker for the year's cohorts", SOURCE)
def live_tracker(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.youthjustice import service

    if ctx.data_to is None:
        return [note("No case records have been imported.")]
    found = registry.get("live_tracker_rate")
    months = service.tracker_by_month(ctx.review, ctx.data_to, ctx.records)
    chosen = [m for m in months if m.month_end.month % 3 == 0] or months[-1:]
    lines = []
    for m in chosen:
        p, when = f"tracker.{m.month_end:%Y-%m}", f"{m.month_end:%d %B %Y}"
        cohort = book.base(
            f"{p}.cohort",
            m.cohort_so_far,
            "count",
            "Children in the cohorts so far",
            when,
            ctx.records_date,
        )
        hit = book.base(
            f"{p}.reoffended",
            m.reoffenders_so_far,
            "count",
            "Children with a reoffence proven so far",
            when,
            ctx.records_date,
        )
        rate = book.derived(
            f"{p}.rate",
            "ratio",
            [hit, cohort],
            "percent",
            found.label,
            found.unit,
            scale=found.scale,
            decimals=found.decimals,
        )
        lines.append([text(when), cell(cohort), cell(hit), cell(rate)])
    title = f"Live tracker: the {parse_period(ctx.review).label} reoffending cohorts followed"
    return [
        table(
            title,
            ["As at", "Children", "Reoffended so far", "Rate so far"],
            lines,
            note=found.definition,
        )
    ]


def _share(book: Book, fid: str, part: str, whole: str, label: str) -> str:
    return book.derived(
        f"{fid}.share", "ratio", [part, whole], "percent", label, "%", scale=100, decimals=1
    )


@block(
    "yj_disproportionality",
    "Disproportionality of first time entrants by ethnic group",
    SOURCE,
    params=("measure",),
)
def disproportionality(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.youthjustice import service

    measure = use.param("measure", "fte")
    result = service.disproportionality_for(ctx.review, measure=measure, records=ctx.records)
    what = service.DISPROPORTIONALITY_MEASURES[measure]
    period, p = parse_period(ctx.review).label, f"disproportionality.{measure}"
    children = ctx.records.tables["children"]
    refs = service.counted_children(measure, parse_period(ctx.review), ctx.records)
    total = book.base(
        f"{p}.counted",
        int(children["child_ref"].isin(refs).sum()),
        "count",
        f"{what}: children counted",
        period,
        ctx.records_date,
    )
    people = book.base(
        f"{p}.population",
        sum(r.population for r in result.rows),
        "count",
        "Population aged 10-17",
        period,
        ctx.records_date,
    )
    white = next((r for r in result.rows if r.group == "White"), None)
    lines = []
    for r in result.rows:
        g = f"{p}.{slug(r.group)}"
        n = book.base(
            f"{g}.count", r.count, SUPPRESSED, f"{what}: {r.group}", period, ctx.records_date
        )
        m = book.base(
            f"{g}.population",
            r.population,
            "count",
            f"Population: {r.group}",
            period,
            ctx.records_date,
        )
        line = [
            text(r.group),
            cell(n),
            cell(m),
            cell(_share(book, g, n, total, f"Share of {what}")),
            cell(_share(book, f"{g}.population", m, people, "Share of the population")),
        ]
        if white is not None:
            line += _rri_cells(book, g, n, m, f"{p}.white")
        lines.append(line)
    return [
        table(
            f"{what} by ethnic group, {period}",
            [
                "Ethnic group",
                "Children",
                "Population",
                "Share of children",
                "Share of population",
                "Relative rate index",
                "95% from",
                "95% to",
            ],
            lines,
            note=f"Against {result.denominator}. Counts of 1 to 4 are "
            "shown as <5 and get no index.",
        )
    ]


def _rri_cells(book: Book, group: str, n: str, m: str, white: str) -> list[dict[str, Any]]:
    of = [n, m, f"{white}.count", f"{white}.population"]
    if any(o not in book.figures for o in of):
        return [text(""), text(""), text("")]
    label = "Relative rate index against White children"
    if group == white:
        rri = book.derived(f"{group}.rri", "rate_ratio", of, "decimal", label, decimals=2)
        return [cell(rri), text(""), text("")]
    return [
        cell(book.derived(f"{group}.rri", "rate_ratio", of, "decimal", label, decimals=2)),
        cell(
            book.derived(
                f"{group}.rri-low",
                "rate_ratio",
                of,
                "decimal",
                f"{label}: 95% from",
                decimals=2,
                bound="low",
            )
        ),
        cell(
            book.derived(
                f"{group}.rri-high",
                "rate_ratio",
                of,
                "decimal",
                f"{label}: 95% to",
                decimals=2,
                bound="high",
            )
        ),
    ]


@block("yj_cohort_profile", "The caseload's profile: assessments, offences, ETE, services", SOURCE)
def cohort_profile(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.youthjustice import kpis, service

    period = parse_period(ctx.review)
    rows = service.profile_for(ctx.review, ctx.records)
    caseload = len(kpis.caseload(ctx.records.tables, period.first, local.month_end(period.last)))
    children = book.base(
        "profile.caseload",
        caseload,
        "count",
        "Children in the caseload",
        period.label,
        ctx.records_date,
    )
    by_key: dict[str, list[Any]] = {}
    for r in rows:
        by_key.setdefault(r.key, []).append(r)
    parts = []
    for key, group in by_key.items():
        found = registry.get(key)
        ids = [
            book.base(
                f"profile.{slug(key)}.{slug(r.category)}",
                r.count,
                "count",
                f"{found.label}: {r.label}",
                period.label,
                ctx.records_date,
            )
            for r in group
        ]
        whole = (
            children
            if key == "profile_childrens_services"
            else book.derived(
                f"profile.{slug(key)}.total", "sum", ids, "count", f"{found.label}: all"
            )
        )
        lines = [
            [
                text(r.label),
                cell(fid),
                cell(
                    book.derived(
                        f"{fid}.pct",
                        "ratio",
                        [fid, whole],
                        "percent",
                        found.label,
                        found.unit,
                        scale=found.scale,
                        decimals=found.decimals,
                    )
                ),
            ]
            for r, fid in zip(group, ids, strict=True)
        ]
        parts.append(
            table(
                f"{found.label}, {period.label}", ["", "Number", "%"], lines, note=found.definition
            )
        )
    return parts or [note("No children in the caseload in the year.")]


@block("yj_board_attendance", "Management board attendance by partner", "board attendance records")
def board_attendance(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    import pandas as pd

    period = parse_period(ctx.review)
    board = ctx.records.tables["board"]
    dates = pd.to_datetime(board["meeting_date"])
    held = board[
        (dates >= pd.Timestamp(period.first))
        & (dates <= pd.Timestamp(local.month_end(period.last)))
    ]
    found = registry.get("kpi_board_attendance")
    lines, places, present = [], [], []
    for partner, rows in held.groupby("partner", sort=True):
        p = f"board.{slug(str(partner))}"
        places.append(
            book.base(
                f"{p}.meetings",
                len(rows),
                "count",
                f"Meetings: {partner}",
                period.label,
                ctx.records_date,
            )
        )
        present.append(
            book.base(
                f"{p}.attended",
                int(rows["attended"].astype(bool).sum()),
                "count",
                f"Attended: {partner}",
                period.label,
                ctx.records_date,
            )
        )
        lines.append(
            [
                text(str(partner)),
                cell(places[-1]),
                cell(present[-1]),
                cell(
                    book.derived(
                        f"{p}.rate",
                        "ratio",
                        [present[-1], places[-1]],
                        "percent",
                        found.label,
                        "%",
                        scale=found.scale,
                        decimals=found.decimals,
                    )
                ),
            ]
        )
    if lines:
        all_places = book.derived("board.places", "sum", places, "count", "Partner places")
        attended = book.derived("board.attended", "sum", present, "count", "Places attended")
        lines.append(
            [
                text("All partners"),
                cell(all_places),
                cell(attended),
                cell(
                    book.derived(
                        "board.rate",
                        "ratio",
                        [attended, all_places],
                        "percent",
                        found.label,
                        "%",
                        scale=found.scale,
                        decimals=found.decimals,
                    )
                ),
            ]
        )
    return [
        table(
            f"Management board attendance, {period.label}",
            ["Partner", "Meetings", "Attended", "Attendance"],
            lines,
            note=found.definition,
            empty="No board meetings are recorded for the year.",
        )
    ]
