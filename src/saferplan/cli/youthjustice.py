"""``saferplan youthjustice synth|import|export|indicators|...``: a thin shell over the
youth justice package; imports go through the one import pipeline (``saferplan imports``
lists them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors, print_rows, write_stdout

app = typer.Typer(help="Youth justice records and indicators.", no_args_is_help=True)


@contextmanager
def _scope(partnership: str | None) -> Iterator[None]:
    """Django set up, and the named partnership's scope active, for the block."""
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.tenancy import cli_partnership

    with cli_partnership(partnership):
        yield


COLUMNS = ["indicator", "period", "numerator", "denominator", "value", "unit"]


def _indicator_list() -> str:
    """The indicators the command prints, from the registry, for its help."""
    from saferplan.indicators.registry import in_groups

    keys = ", ".join(d.key for d in in_groups("youth justice", "youth justice KPI"))
    return f"Indicators: {keys}. Their definitions: saferplan definitions."


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder for the CSV extract.")],
    children: Annotated[int, typer.Option(help="Children in the cohort.")] = 400,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same cohort).")] = 1,
) -> None:
    """Write a synthetic cohort (no real child) in the import format."""
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.synth import generate_cohort

    cohort = generate_cohort(children=children, seed=seed)
    write_tables(
        cohort.tables(),
        out,
    )
    console.print(
        f"[green]Wrote[/] {len(cohort.children):,} synthetic children, "
        f"{len(cohort.offences):,} offences to {out}",
        highlight=False,
    )


@app.command("import")
def import_command(
    extract: Annotated[
        Path, typer.Argument(help="Folder of CSV files, or an Excel workbook (.xlsx).")
    ],
    columns: Annotated[
        Path | None,
        typer.Option(help="CSV table,source_column,column: your system's column names."),
    ] = None,
    partnership: options.Partnership = None,
) -> None:
    """Import a case management extract (see the formats in the README): all or nothing."""
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.reading import read_column_map
        from saferplan.youthjustice.store import import_extract

        mapping = read_column_map(columns) if columns else None
        summary = import_extract(extract, columns=mapping)
    if summary.already_imported:
        console.print(f"[yellow]Already imported[/] {extract}: nothing changed", highlight=False)
        return
    console.print(
        "[green]Imported[/] " + ", ".join(f"{n:,} {k}" for k, n in summary.counts.items() if n),
        highlight=False,
    )


@app.command()
def comparators(
    file: Annotated[Path, typer.Argument(help="CSV indicator,area,period,value.")],
    partnership: options.Partnership = None,
) -> None:
    """Import published comparator figures (YOT family, London, England and Wales)."""
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.comparators import import_comparators

        count = import_comparators(file)
    _imported(count, "published figures", file)


def _imported(count: int, what: str, file: Path) -> None:
    if not count:
        console.print(f"[yellow]Already imported[/] {file}: nothing changed", highlight=False)
        return
    console.print(f"[green]Imported[/] {count:,} {what} from {file}", highlight=False)


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder to write the CSV files to.")],
    partnership: options.Partnership = None,
) -> None:
    """Write the child-level tables in the format the importer reads."""
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.files import write_tables
        from saferplan.youthjustice.store import tables

        write_tables(tables(), out)
    console.print(f"[green]Exported[/] to {out}", highlight=False)


@app.command(epilog=_indicator_list())
def indicators(
    period: Annotated[str, typer.Option(help="e.g. 2018-19 (financial year) or 2018.")],
    area: Annotated[
        str | None,
        typer.Option(help="Local authority, for the 10-17 population (default: the service's)."),
    ] = None,
    population_10_17: Annotated[int | None, typer.Option(help="Override the population.")] = None,
    format: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "table",
    partnership: options.Partnership = None,
) -> None:
    """The national indicators: indicator,period,numerator,denominator,value,unit."""
    from saferplan.core.periods import parse_period

    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.service import indicators_for, service_area
        from saferplan.youthjustice.service import population_10_17 as pop

        population = pop(
            area or service_area(), parse_period(period).reference_year, population_10_17
        )
        rows = indicators_for(period, population.value)
    values = [
        [
            r.indicator,
            r.period,
            r.numerator,
            r.denominator,
            "" if r.value is None else r.value,
            r.unit,
        ]
        for r in rows
    ]
    if format == "json":
        write_stdout(
            json.dumps(
                {
                    "population_10_17": {
                        "value": population.value,
                        "source": population.description,
                    },
                    "rows": [dict(zip(COLUMNS, v, strict=True)) for v in values],
                },
                indent=2,
            )
            + "\n"
        )
    else:
        print_rows(
            COLUMNS,
            values,
            format,
            f"Youth justice indicators, {period}",
            f"Population aged 10-17: {population.value:,} ({population.description})",
        )


@app.command("population-by-ethnicity")
def population_by_ethnicity(
    file: Annotated[Path, typer.Argument(help="CSV area,year,ethnic_group,population.")],
    name: Annotated[
        str | None,
        typer.Option(help="What the figures are, e.g. 'ONS Census 2021 (TS021)'; shown with them."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Publisher, recorded as provenance.")] = None,
    partnership: options.Partnership = None,
) -> None:
    """Import children aged 10-17 by ethnic group, the denominator for disproportionality."""
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.comparators import import_population_by_ethnicity

        count = import_population_by_ethnicity(file, name or "", source or "")
    _imported(count, "population figures", file)


@app.command()
def profile(
    period: Annotated[str, typer.Option(help="e.g. 2018-19 (financial year) or 2018.")],
    format: Annotated[str, typer.Option("--format", help="csv or table.")] = "table",
    partnership: options.Partnership = None,
) -> None:
    """The caseload's profile: risk ratings, intervention levels, offences, NEET, services."""
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice.service import profile_for

        rows = profile_for(period)
    values = [
        [r.dimension, r.category, r.count, "" if r.percent is None else f"{r.percent:.1f}"]
        for r in rows
    ]
    headers = ["dimension", "category", "count", "percent"]
    print_rows(headers, values, format, f"Cohort profile: children with an order open in {period}")


@app.command()
def tracker(
    period: Annotated[str, typer.Option(help="The cohort's period, e.g. 2019-20.")],
    today: Annotated[
        str | None, typer.Option(help="As at this date (YYYY-MM-DD); default today.")
    ] = None,
    children: Annotated[bool, typer.Option(help="One row per child instead of per month.")] = False,
    format: Annotated[str, typer.Option("--format", help="csv or table.")] = "table",
    partnership: options.Partnership = None,
) -> None:
    """The live reoffending tracker: the cohort followed so far, month by month (or by child)."""
    from datetime import date

    from saferplan.core.errors import SaferplanError

    with friendly_errors():
        try:
            as_at = date.fromisoformat(today) if today else date.today()
        except ValueError:
            raise SaferplanError(f"'{today}' is not a date (expected YYYY-MM-DD)") from None
    with friendly_errors(), _scope(partnership):
        from saferplan.youthjustice import service

        if children:
            headers = service.TRACKER_COLUMNS
            values = [[r[c] for c in headers] for r in service.tracker(period, as_at)]
        else:
            headers = ["month_end", "cohort_so_far", "reoffenders_so_far",
                       "reoffences_so_far", "rate_so_far"]  # fmt: skip
            values = [
                [m.month_end, m.cohort_so_far, m.reoffenders_so_far, m.reoffences_so_far,
                 "" if m.rate_so_far is None else m.rate_so_far]
                for m in service.tracker_by_month(period, as_at)
            ]  # fmt: skip
    print_rows(headers, values, format, f"Live reoffending tracker, cohort {period}, as at {as_at}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="youthjustice")
