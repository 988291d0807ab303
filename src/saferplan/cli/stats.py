"""``saferplan stats compare|rank``: the statistics engine's contract for scripts and people.

CSV and JSON output are a stable interface (column names and order are tested); the table
format is for people. Open data needs no Django here: these commands only read the
warehouse. A partnership's own series are read in its scope (``--partnership``), and only
there (ADR 0007).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors, write_stdout
from saferplan.core.cells import csv_row

app = typer.Typer(help="Crime statistics: comparator tables and rankings.", no_args_is_help=True)

COMPARE_COLUMNS = [
    "area", "count_baseline", "rate_baseline", "count_period", "rate_period",
    "count_change", "pct_change", "rate_change",
]  # fmt: skip
RANK_COLUMNS = ["rank", "area", "count", "rate"]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _json_number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _population_json(figure: Any) -> dict[str, Any] | None:
    """A population and where it came from; a group's lists every member's, with its year."""
    if figure is None:
        return None
    out = {
        "value": figure.value, "year": figure.year,
        "set": figure.population_set, "source": figure.source,
    }  # fmt: skip
    if figure.parts:
        out["members"] = [{"area": p.area, "value": p.value, "year": p.year} for p in figure.parts]
    return out


def _imports(ids: list[int], owner: Any = None) -> list[dict[str, Any]]:
    """File names and hashes of the imports behind a figure (needs the Django database): open
    data, and the partnership's own imports when a partnership is given."""
    from saferplan.site.bootstrap import setup_django

    setup_django(migrate=False)
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.datastore.models import ImportRecord

    with partnership_scope(owner):
        return [
            {"import_id": r.pk, "kind": r.kind, "file": r.file_name, "sha256": r.sha256,
             "imported_at": r.finished_at.isoformat(), "imported_by": r.imported_by}
            for r in ImportRecord.objects.filter(pk__in=ids).order_by("pk")
        ]  # fmt: skip


@contextmanager
def _definitions(partnership: str | None) -> Iterator[Any]:
    """The themes, with the comparator groups in force: the partnership's own when named."""
    from saferplan.crime.themes import load_themes

    if partnership is None:
        yield load_themes()
        return
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.tenancy import find_partnership
    from saferplan.definitions.service import in_force

    with in_force(find_partnership(partnership)) as book:
        yield book


def _connect(partnership: str | None, theme: Any) -> tuple[Any, Any]:
    """The warehouse, read in the partnership's scope if one is named (its series then
    count), else as open data only; and the partnership."""
    from saferplan.datastore.warehouse import Warehouse

    if partnership is None:
        if "series" in theme.filters and len(theme.filters) == 1:
            from saferplan.core.errors import SaferplanError

            raise SaferplanError(
                f"{theme.title} is counted from a partnership's own extracts: say whose",
                hint="Name the partnership: --partnership NAME.",
            )
        return Warehouse().connect(), None
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.tenancy import cli_partnership

    with cli_partnership(partnership) as owner:
        return Warehouse().connect(), owner


def _compare_json(
    table: Any, values: list[list[Any]], imports: list[dict[str, Any]], population: Path | None
) -> dict[str, Any]:
    """The comparison with its provenance: the theme, months, populations and imports."""
    chosen, current, before = table.theme, table.period, table.baseline
    return {
        "theme": {"key": chosen.key, "title": chosen.title, "definition": chosen.definition,
                  "direction": chosen.direction},
        "period": {"label": current.label, "first_month": f"{current.first:%Y-%m}",
                   "last_month": f"{current.last:%Y-%m}"},
        "baseline": {"label": before.label, "first_month": f"{before.first:%Y-%m}",
                     "last_month": f"{before.last:%Y-%m}"},
        "level": table.level,
        "source": table.source,
        "rate_per": 1000,
        "comparator_groups": table.groups,
        "comparators_left_out": table.left_out,
        "population_override": str(population) if population else None,
        "rows": [
            {**{c: _json_number(v) for c, v in zip(COMPARE_COLUMNS, row, strict=True)},
             "population_baseline": _population_json(r.population_baseline),
             "population_period": _population_json(r.population_period)}
            for row, r in zip(values, table.rows, strict=True)
        ],
        "imports": imports,
    }  # fmt: skip


def _print_comparison(table: Any, values: list[list[Any]]) -> None:
    from rich.table import Table

    before, current = table.baseline, table.period
    missing = ", ".join(table.left_out)
    left = f" Not covered by the figures: {missing}." if missing else ""
    grid = Table(title=f"{table.theme.title}: {before.label} and {current.label}",
                 caption=f"Rates per 1,000 residents. Population: {table.population_note}. "
                 f"Source: {table.source}.{left}")  # fmt: skip
    headings = ["Area", f"{before.label}", "rate", f"{current.label}", "rate",
                "change", "% change", "rate change"]  # fmt: skip
    for i, h in enumerate(headings):
        grid.add_column(h, justify="left" if i == 0 else "right")
    for row in values:
        grid.add_row(*[f"{v:,}" if isinstance(v, int) else _cell(v) for v in row])
    console.print(grid)


@app.command()
def compare(
    area: Annotated[str, typer.Option(help="Subject area (name or ONS code).")],
    theme: Annotated[str, typer.Option(help="Theme key, e.g. total, burglary.")] = "total",
    period: Annotated[str, typer.Option(help="e.g. 2018, 2018-19, 12m-2019-03.")] = ...,  # type: ignore[assignment]
    baseline: Annotated[
        str | None, typer.Option(help="Period to compare with (default: a year before).")
    ] = None,
    comparators: Annotated[
        str, typer.Option(help="Comma-separated areas or groups, e.g. 'Barnet,Brent,London'.")
    ] = "",
    population: Annotated[
        Path | None, typer.Option(help="CSV area,year,population overriding imported figures.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    partnership: options.Partnership = None,
) -> None:
    """Counts, rates per 1,000, and changes for an area and its comparators (those the
    figures do not cover are left out, and named)."""
    from saferplan.core.periods import parse_period
    from saferplan.crime.comparisons import PopulationOverride
    from saferplan.crime.comparisons import compare as build

    with friendly_errors(), _definitions(partnership) as book:
        chosen = book.get(theme)
        current = parse_period(period)
        before = parse_period(baseline) if baseline else current.shifted_years(-1)
        override = PopulationOverride(population) if population else None
        names = [c.strip() for c in comparators.split(",") if c.strip()]
        con, owner = _connect(partnership, chosen)
        table = build(con, area, chosen, current, before, names,
                      population_override=override)  # fmt: skip
    values = [
        [r.area, r.count_baseline, r.rate_baseline, r.count_period, r.rate_period,
         r.count_change, r.pct_change, r.rate_change]
        for r in table.rows
    ]  # fmt: skip
    if format is Format.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COMPARE_COLUMNS)
        writer.writerows([csv_row(_cell(v) for v in row) for row in values])
        write_stdout(out.getvalue())
    elif format is Format.json:
        with friendly_errors():
            imports = _imports(table.import_ids, owner)
        payload = _compare_json(table, values, imports, population)
        write_stdout(json.dumps(payload, indent=2) + "\n")
    else:
        _print_comparison(table, values)


@app.command()
def rank(
    level: Annotated[str, typer.Option(help="borough, ward or lsoa.")] = "borough",
    theme: Annotated[str, typer.Option(help="Theme key.")] = "total",
    period: Annotated[str, typer.Option(help="e.g. 2018.")] = ...,  # type: ignore[assignment]
    by: Annotated[str, typer.Option(help="count or rate.")] = "count",
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    partnership: options.Partnership = None,
) -> None:
    """Rank every area of a level by count or by rate (1 = highest)."""
    from saferplan.core.periods import parse_period
    from saferplan.crime.comparisons import ranking

    with friendly_errors(), _definitions(partnership) as book:
        chosen = book.get(theme)
        current = parse_period(period)
        con, _ = _connect(partnership, chosen)
        rows, source = ranking(con, level, chosen, current, by)
    values = [[r.rank, r.area, r.count, r.rate] for r in rows]
    if format is Format.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(RANK_COLUMNS)
        writer.writerows([csv_row(_cell(v) for v in row) for row in values])
        write_stdout(out.getvalue())
    elif format is Format.json:
        payload = {
            "theme": chosen.key, "period": current.label, "level": level, "by": by,
            "source": source,
            "rows": [
                {**{c: _json_number(v) for c, v in zip(RANK_COLUMNS, row, strict=True)},
                 "population": _population_json(r.population)}
                for row, r in zip(values, rows, strict=True)
            ],
        }  # fmt: skip
        write_stdout(json.dumps(payload, indent=2) + "\n")
    else:
        from rich.table import Table

        grid = Table(title=f"{chosen.title}, {current.label}: {level}s ranked by {by}")
        for h in ("Rank", "Area", "Count", "Rate per 1,000"):
            grid.add_column(h, justify="left" if h == "Area" else "right")
        for row in values:
            grid.add_row(_cell(row[0]), row[1], f"{row[2]:,}", _cell(row[3]))
        console.print(grid)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="stats")
