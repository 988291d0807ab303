"""Resources blocks: the youth justice budget, the use of the YJB grant, staffing, funding
streams and the risk register, from ``saferplan.resources``.

The resources records compute their own totals; here every amount becomes a figure and
every total is the sum of its figures again, so a printed total that disagrees with its
lines, or a table's own warning (an allocation that does not add up to the grant), is
recorded and stops a final edition.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from saferplan.documents.blocks import Part, block, note, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, show, text
from saferplan.documents.template import BlockUse

# The service function of ``saferplan.resources`` for each table.
PROVIDERS = {
    "budget": "budget_for",
    "grant_allocation": "grant_allocation_for",
    "staffing": "staffing_for",
    "funding_streams": "funding_for",
    "risks": "risks_for",
}
FORMATS = {"money": "money", "fte": "decimal", "count": "count", "rating": "count"}
# Personal details of staff: never in a published document.
PERSONAL = {"sex", "ethnicity", "ethnic_group"}


class Column(Protocol):
    key: str
    label: str
    kind: str  # text | money | fte | count | date | rating


class ResourceTable(Protocol):
    """What ``saferplan.resources.tables`` gives for each table."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: tuple[Any, ...] | None
    notes: tuple[str, ...]
    warnings: tuple[str, ...]


def provider() -> Any:
    """The resources service, or None where it is not installed."""
    try:
        from saferplan.resources import service
    except ImportError:
        return None
    return service


def _table_for(ctx: Context, name: str) -> ResourceTable | None:
    service = provider()
    if service is None or not hasattr(service, PROVIDERS[name]):
        return None
    read = getattr(service, PROVIDERS[name])
    found: ResourceTable
    if name == "risks":  # the register as it stands on the day the plan is built
        found = read(ctx.partnership, today=ctx.generated)
    else:
        found = read(ctx.partnership, ctx.year)
    return found


def _shown_cell(value: Any, kind: str) -> dict[str, str]:
    if value is None or value == "":
        return text("")
    if isinstance(value, date):
        return text(f"{value.day} {value:%B %Y}")
    if isinstance(value, bool):
        return text("Yes" if value else "No")
    return text(str(value))


def resource_parts(ctx: Context, book: Book, name: str, found: ResourceTable) -> list[Part]:
    """The table with its amounts as figures and its totals worked out from them."""
    columns = [c for c in found.columns if c.key not in PERSONAL]
    numeric = [c for c in columns if c.kind in FORMATS]
    ids: dict[str, list[str]] = {c.key: [] for c in numeric}
    lines, seen = [], set()
    for row in found.rows:
        values = dict(zip([c.key for c in found.columns], row, strict=True))
        key = slug(str(row[0]))
        while key in seen:
            key += "-x"
        seen.add(key)
        line = []
        for c in columns:
            if c.kind not in FORMATS:
                line.append(_shown_cell(values[c.key], c.kind))
                continue
            fid = _amount(book, ctx, name, key, c, values, columns)
            ids[c.key].append(fid)
            line.append(cell(fid))
        lines.append(line)
    if found.total is not None and lines:
        lines.append(_total_line(ctx, book, name, found, columns, ids))
    parts = [
        table(
            found.title,
            [c.label for c in columns],
            lines,
            empty=f"Nothing is recorded for {ctx.year_label}.",
        )
    ]
    parts += [note(n) for n in found.notes]
    for warning in found.warnings:
        ctx.warnings.append(f"{found.title}: {warning}")
        parts.append(note(f"Warning: {warning}"))
    return parts


def _amount(
    book: Book,
    ctx: Context,
    name: str,
    key: str,
    c: Any,
    values: dict[str, Any],
    columns: list[Any],
) -> str:
    """One amount: a base figure, or (a row's "total" column) the sum of the row's others."""
    fid, label = f"{name}.{key}.{slug(c.key)}", f"{values[columns[0].key]}: {c.label}"
    if c.key == "total" and c.kind == "money":
        parts = [f"{name}.{key}.{slug(o.key)}" for o in columns if o.kind == "money" and o is not c]
        book.derived(fid, "sum", parts, "money", label, period=ctx.year_label)
        _agrees(ctx, book, fid, values[c.key], label)
        return fid
    value = None if values[c.key] is None else values[c.key]
    return book.base(
        fid, value, FORMATS[c.kind], label, ctx.year_label, ctx.as_at, source="resources"
    )


def _total_line(
    ctx: Context,
    book: Book,
    name: str,
    found: ResourceTable,
    columns: list[Any],
    ids: dict[str, list[str]],
) -> list[dict[str, str]]:
    assert found.total is not None
    printed = dict(zip([c.key for c in found.columns], found.total, strict=True))
    line = []
    for c in columns:
        if c.kind not in ("money", "fte", "count"):
            line.append(text(str(printed.get(c.key) or "")) if c is columns[0] else text(""))
            continue
        fid = book.derived(
            f"{name}.total.{slug(c.key)}",
            "sum",
            ids[c.key],
            FORMATS[c.kind],
            f"{found.title}: total {c.label}",
            period=ctx.year_label,
        )
        _agrees(ctx, book, fid, printed.get(c.key), f"{found.title}: total {c.label}")
        line.append(cell(fid))
    return line


def _agrees(ctx: Context, book: Book, fid: str, printed: Any, label: str) -> None:
    """A total the records give that is not the sum of its lines stops a final edition."""
    if printed is None or printed == "":
        return
    if Decimal(str(printed)) != Decimal(str(book.value(fid))):
        fmt = book.figures[fid]["format"]
        ctx.warnings.append(
            f"{label} is given as {show(str(printed), fmt)}, but its lines add "
            f"up to {book.shown(fid)}"
        )


def _resource_block(ctx: Context, book: Book, name: str, what: str) -> list[Part]:
    found = _table_for(ctx, name)
    if found is None:
        return [
            note(f"{what} are not recorded in saferplan (the resources records are not installed).")
        ]
    return resource_parts(ctx, book, name, found)


SOURCE = "resources records"


@block("budget", "The youth justice budget by agency (the YJB's Table 1)", SOURCE)
def budget(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _resource_block(ctx, book, "budget", "Budgets")


@block("grant_allocation", "The use of the YJB grant by area of delivery", SOURCE)
def grant_allocation(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _resource_block(ctx, book, "grant_allocation", "Grant allocations")


@block("staffing", "Staffing by post, contract and FTE", SOURCE)
def staffing(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _resource_block(ctx, book, "staffing", "Staff")


@block("funding_streams", "Funding streams and the projects they fund", SOURCE)
def funding_streams(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _resource_block(ctx, book, "funding_streams", "Funding streams")


@block("risks", "The risk register, highest score first", SOURCE)
def risks(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _resource_block(ctx, book, "risks", "Risks")
