"""``saferplan resources budget|grant-allocation|staffing|funding|risks FILE`` and
``saferplan resources show``: a thin shell over ``saferplan.resources``. Imports go through
the one import pipeline (``saferplan imports`` lists them); every total is computed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors, labelled, print_rows, write_stdout

app = typer.Typer(
    help="The partnership's resources (youth justice budget, YJB grant allocation, staffing, "
    "funding streams) and its risk register.",
    no_args_is_help=True,
)
File = Annotated[Path, typer.Argument(help="CSV file, or an Excel workbook (.xlsx).")]
Year = Annotated[str, typer.Option(help="The financial year, e.g. 2019-20.")]
TABLES = ("budget", "grant-allocation", "staffing", "staffing-posts", "funding", "risks")


@contextmanager
def _scope(partnership: str | None) -> Iterator[Any]:
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.tenancy import cli_partnership

    with cli_partnership(partnership) as found:
        yield found


def _import(table: str, file: Path, year: str | None, partnership: str | None) -> None:
    with friendly_errors(), _scope(partnership) as found:
        from saferplan.resources import service

        outcome = service.import_file(table, file, year)
        shown = _table(found, table, year) if outcome.imported else None
    for record in outcome.imported:
        replaced = record.notes.get("replaces")
        more = (
            f"; replaced {record.notes['lines_replaced']} lines"
            + (f" of import {', '.join(f'#{i}' for i in replaced)}" if replaced else "")
            if record.notes.get("lines_replaced")
            else ""
        )
        what = table if year is None else f"{table} {record.notes.get('year')}"
        lines = f"{record.rows_kept:,} {'line' if record.rows_kept == 1 else 'lines'}"
        console.print(labelled("Imported", "green", f" {what} from {record.file_name}: "
                               f"{lines} as import #{record.pk}{more}"),
                      highlight=False, soft_wrap=True)  # fmt: skip
    for name, earlier in outcome.skipped:
        console.print(_skipped(name, earlier, year), highlight=False, soft_wrap=True)
    for warning in shown.warnings if shown else ():
        console.print(labelled("Warning:", "yellow", " ", warning), highlight=False,
                      soft_wrap=True)  # fmt: skip


def _skipped(name: str, earlier: Any, year: str | None) -> Any:
    from saferplan.resources.values import financial_year

    where = f" as import #{earlier.pk}" if earlier is not None else ""
    text = f" {name}: already imported{where}, nothing changed"
    before = earlier.notes.get("year") if earlier is not None else None
    if year and before and before != financial_year(year):
        text += f" (it was imported for {before}, not {financial_year(year)})"
    return labelled("Skipped", "yellow", text)


@app.command()
def budget(file: File, year: Year, partnership: options.Partnership = None) -> None:
    """Import the youth justice budget for a year, columns agency, staffing_costs,
    payments_in_kind, other_delegated_funds, note (a Total row is checked, never kept)."""
    _import("budget", file, year, partnership)


@app.command("grant-allocation")
def grant_allocation(file: File, year: Year, partnership: options.Partnership = None) -> None:
    """Import the YJB grant's allocation for a year: area_of_delivery,activity,amount."""
    _import("grant-allocation", file, year, partnership)


@app.command()
def staffing(file: File, year: Year, partnership: options.Partnership = None) -> None:
    """Import the posts for a year: post,contract,fte,sex,ethnicity,start_date,vacant,note."""
    _import("staffing", file, year, partnership)


@app.command()
def funding(file: File, year: Year, partnership: options.Partnership = None) -> None:
    """Import the funding streams for a year: stream,project,cash,in_kind,note,actions."""
    _import("funding", file, year, partnership)


@app.command()
def risks(file: File, partnership: options.Partnership = None) -> None:
    """Import the risk register, columns reference, risk, cause, consequence, likelihood,
    impact, owner, mitigation, review_date, status (risks are matched by reference and kept
    up to date)."""
    _import("risks", file, None, partnership)


def _table(partnership: Any, table: str, year: str | None, closed: bool = False) -> Any:
    from saferplan.core.errors import SaferplanError
    from saferplan.resources import service

    if table == "risks":
        return service.risks_for(partnership, include_closed=closed)
    if table not in TABLES:
        raise SaferplanError(f"there is no table '{table}'", hint=f"Tables: {', '.join(TABLES)}.")
    if not year:
        raise SaferplanError(f"the {table} table is for a financial year: say which",
                             hint="Give the year: --year 2019-20.")  # fmt: skip
    readers = {
        "budget": service.budget_for,
        "grant-allocation": service.grant_allocation_for,
        "staffing": service.staffing_for,
        "staffing-posts": lambda p, y: service.staff_posts_for(p, y, personal=True),
        "funding": service.funding_for,
    }
    return readers[table](partnership, year)


@app.command()
def show(
    year: Annotated[str | None, typer.Option(help="The financial year, e.g. 2019-20.")] = None,
    table: Annotated[str, typer.Option(help=f"One of: {', '.join(TABLES)}.")] = "budget",
    format: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "table",
    closed: Annotated[bool, typer.Option(help="Risks: closed ones too.")] = False,
    partnership: options.Partnership = None,
) -> None:
    """A table with its computed totals, e.g. the budget (agency, staffing_costs,
    payments_in_kind, other_delegated_funds, total), a row per agency and a last row Total."""
    from saferplan.core.errors import SaferplanError

    with friendly_errors():
        if format not in ("csv", "json", "table"):
            raise SaferplanError(f"'{format}' is not a format", hint="Choose csv, json or table.")
        with _scope(partnership) as found:
            shown = _table(found, table, year, closed)
    if format == "json":
        write_stdout(json.dumps(_json(shown), indent=2, ensure_ascii=False) + "\n")
    elif format == "csv":
        from saferplan.core.cells import csv_row

        rows = [csv_row(_machine(v) for v in row) for row in _all_rows(shown)]
        print_rows(list(shown.keys), rows, "csv", shown.title)
    else:
        _print_table(shown)


def _all_rows(table: Any) -> list[tuple[Any, ...]]:
    return [*table.rows, *([table.total] if table.total else [])]


def _machine(value: Any) -> Any:
    """Pence-exact amounts (677994.00), ISO dates, empty for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json(table: Any) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [{k: _machine(v) for k, v in r.items()} for r in table.records(False)],
        "total": {k: _machine(v) for k, v in zip(table.keys, table.total, strict=True)}
        if table.total
        else None,
        "notes": list(table.notes),
        "warnings": list(table.warnings),
        "sources": list(table.sources),
    }


def _print_table(table: Any) -> None:
    from rich.table import Table

    from saferplan.cli.output import plain
    from saferplan.resources.values import format_money

    grid = Table(title=plain(table.title))
    for column in table.columns:
        grid.add_column(plain(column.label), justify="left" if column.kind == "text" else "right")
    for row in _all_rows(table):
        cells = [
            format_money(v) if c.kind == "money" and isinstance(v, Decimal) else _machine(v)
            for c, v in zip(table.columns, row, strict=True)
        ]
        grid.add_row(*[plain(c) for c in cells])
    console.print(grid)
    for warning in table.warnings:
        console.print(labelled("Warning:", "yellow", " ", warning), highlight=False,
                      soft_wrap=True)  # fmt: skip
    for note in table.notes:
        console.print(plain(note), highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="resources")
