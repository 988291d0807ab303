"""The local youth justice figures plans publish: triage cases becoming first time entrants
and first time entrants reoffending, by quarterly cohort; new and active interventions by
type and month; the main offence of new outcomes (``youthjustice.local``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from saferplan.core.periods import parse_period
from saferplan.documents.blocks import Part, block, note, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, text
from saferplan.documents.template import BlockUse
from saferplan.indicators import registry
from saferplan.youthjustice import local

SOURCE = "case records"
COHORTS = 8  # quarters shown, the latest whose follow-up is complete last


def _data_to(ctx: Context) -> date | None:
    return ctx.data_to


def _cohort_table(
    ctx: Context,
    book: Book,
    rows: list[local.CohortRow],
    key: str,
    prefix: str,
    counted: str,
    reoffences: bool = False,
) -> list[list[dict[str, Any]]]:
    found = registry.get(key)
    lines = []
    for r in rows:
        p = f"{prefix}.{slug(r.quarter)}"
        base = book.base(
            f"{p}.cohort", r.cohort, "count", f"{found.label}: cohort", r.quarter, ctx.records_date
        )
        hit = book.base(
            f"{p}.counted",
            r.counted,
            "count",
            f"{found.label}: {counted}",
            r.quarter,
            ctx.records_date,
        )
        pct = book.derived(
            f"{p}.rate",
            "ratio",
            [hit, base],
            "percent",
            found.label,
            found.unit,
            scale=found.scale,
            decimals=found.decimals,
        )
        line = [text(r.quarter), cell(base), cell(hit), cell(pct)]
        if reoffences:
            per = registry.get("local_fte_reoffences_per_reoffender")
            many = book.base(
                f"{p}.reoffences",
                r.reoffences,
                "count",
                f"{found.label}: reoffences",
                r.quarter,
                ctx.records_date,
            )
            each = book.derived(
                f"{p}.per-reoffender",
                "ratio",
                [many, hit],
                "decimal",
                per.label,
                per.unit,
                scale=per.scale,
                decimals=per.decimals,
            )
            line += [cell(many), cell(each)]
        lines.append(line)
    return lines


@block("yj_triage_to_fte", "Triage cases becoming first time entrants within 12 months", SOURCE)
def triage_to_fte(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    to = _data_to(ctx)
    if to is None:
        return [note("No case records have been imported.")]
    t = ctx.records.tables
    quarters = local.completed_quarters(to, local.TRIAGE_FOLLOW_MONTHS, COHORTS)
    rows = local.triage_to_fte(t["children"], t["outcomes"], ctx.records.events, quarters)
    lines = _cohort_table(
        ctx, book, rows, "local_triage_to_fte", "triage-fte", "became first time entrants"
    )
    return [
        table(
            "Triage cases who became first time entrants within 12 months, by quarter",
            ["Quarter", "Triage cases", "Became first time entrants", "%"],
            lines,
            note=registry.get("local_triage_to_fte").definition,
        )
    ]


@block("yj_fte_reoffending", "First time entrants reoffending within 12 months", SOURCE)
def fte_reoffending(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    to = _data_to(ctx)
    if to is None:
        return [note("No case records have been imported.")]
    quarters = local.completed_quarters(to, local.REOFFENDING_FOLLOW_MONTHS, COHORTS)
    rows = local.fte_reoffending(ctx.records.prepared, ctx.records.events, quarters)
    lines = _cohort_table(
        ctx, book, rows, "local_fte_reoffending", "fte-reoffending", "reoffended", reoffences=True
    )
    columns = [
        "Quarter",
        "First time entrants",
        "Reoffended within 12 months",
        "%",
        "Reoffences",
        "Reoffences per reoffender",
    ]
    return [
        table(
            "First time entrants who reoffended within 12 months, by quarter",
            columns,
            lines,
            note=registry.get("local_fte_reoffending").definition,
        )
    ]


def _monthly(ctx: Context, book: Book, active: bool, prefix: str) -> list[Part]:
    period = parse_period(ctx.review)
    t = ctx.records.tables
    found = registry.get("local_active_interventions" if active else "local_new_interventions")
    monthly = local.interventions_by_month(t["orders"], t["remands"], period.months, active)
    months = [f"{m:%b %y}" for m in monthly.months]
    lines = []
    column_ids: list[list[str]] = [[] for _ in months]
    for kind in monthly.types:
        ids = []
        for i, (m, n) in enumerate(zip(monthly.months, monthly.counts[kind], strict=True)):
            fid = book.base(
                f"{prefix}.{slug(kind)}.{m:%Y-%m}",
                n,
                "count",
                f"{found.label}: {kind}",
                f"{m:%B %Y}",
                ctx.records_date,
            )
            ids.append(fid)
            column_ids[i].append(fid)
        line = [text(kind), *[cell(i) for i in ids]]
        if not active:
            line.append(
                cell(
                    book.derived(
                        f"{prefix}.{slug(kind)}.year",
                        "sum",
                        ids,
                        "count",
                        f"{found.label}: {kind}",
                        period=period.label,
                    )
                )
            )
        lines.append(line)
    totals = [
        book.derived(
            f"{prefix}.total.{m:%Y-%m}",
            "sum",
            ids,
            "count",
            f"{found.label}: all types",
            period=f"{m:%B %Y}",
        )
        for m, ids in zip(monthly.months, column_ids, strict=True)
    ]
    total_line = [text("Total"), *[cell(i) for i in totals]]
    if not active:
        total_line.append(
            cell(
                book.derived(
                    f"{prefix}.total.year",
                    "sum",
                    totals,
                    "count",
                    f"{found.label}: all types",
                    period=period.label,
                )
            )
        )
    title = (
        "Active interventions by type at the end of each month"
        if active
        else "New interventions by type, by month"
    )
    columns = ["Type", *months, *([] if active else [period.label])]
    return [
        table(
            f"{title}, {period.label}",
            columns,
            [*lines, total_line] if lines else [],
            note=found.definition,
            empty="No interventions in the year.",
        )
    ]


@block("yj_new_interventions", "New interventions by type and month", SOURCE)
def new_interventions(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _monthly(ctx, book, active=False, prefix="new-interventions")


@block("yj_active_interventions", "Active interventions by type at each month's end", SOURCE)
def active_interventions(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _monthly(ctx, book, active=True, prefix="active-interventions")


@block("yj_offence_profile", "Main offence of new outcomes, by group", SOURCE)
def offence_profile(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    period = parse_period(ctx.review)
    t = ctx.records.tables
    found = registry.get("local_offence_profile")
    lines = local.offence_profile(
        t["offences"], t["outcomes"], ctx.records.events, period.first, local.month_end(period.last)
    )
    counts: dict[str, list[str]] = {g: [] for g in local.GROUPS}
    rows = []
    for line in lines:
        row = [text(line.offence_type)]
        for g in local.GROUPS:
            fid = book.base(
                f"offence-profile.{slug(g)}.{slug(line.offence_type)}",
                line.counts[g],
                "count",
                f"{found.label}: {g}, {line.offence_type}",
                period.label,
                ctx.records_date,
            )
            counts[g].append(fid)
            row.append(cell(fid))
        rows.append(row)
    totals = {
        g: book.derived(
            f"offence-profile.{slug(g)}.total",
            "sum",
            ids,
            "count",
            f"{found.label}: {g}, all",
            period=period.label,
        )
        for g, ids in counts.items()
    }
    for row, line in zip(rows, lines, strict=True):
        for g in local.GROUPS:
            fid = f"offence-profile.{slug(g)}.{slug(line.offence_type)}"
            row.append(
                cell(
                    book.derived(
                        f"{fid}.pct",
                        "ratio",
                        [fid, totals[g]],
                        "percent",
                        found.label,
                        found.unit,
                        scale=found.scale,
                        decimals=found.decimals,
                    )
                )
            )
    rows.append(
        [text("Total"), *[cell(totals[g]) for g in local.GROUPS], *[text("") for _ in local.GROUPS]]
    )
    columns = ["Main offence", *local.GROUPS, *[f"% {g.lower()}" for g in local.GROUPS]]
    return [
        table(
            f"Main offence of new outcomes, {period.label}",
            columns,
            rows if lines else [],
            note=found.definition,
            empty="No outcomes in the year.",
        )
    ]
