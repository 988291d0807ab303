"""``saferplan definitions``: the indicator registry, every figure's definition."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

import typer

from saferplan.cli.output import console, friendly_errors, print_rows, write_stdout
from saferplan.core.errors import SaferplanError
from saferplan.indicators.registry import COLUMNS, GROUPS, in_groups

FORMATS = ("table", "csv", "json", "markdown")


def definitions_command(
    format: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")
    ] = "table",
    group: Annotated[
        list[str] | None,
        typer.Option(help=f"Only these groups: {'; '.join(GROUPS)}.", show_default=False),
    ] = None,
) -> None:
    """Every figure saferplan computes: key, label, unit, scale, direction of good,
    definition and source, as declared once in the indicator registry."""
    with friendly_errors():
        if format not in FORMATS:
            raise SaferplanError(f"'{format}' is not a format", hint=f"Use {', '.join(FORMATS)}.")
        unknown = [g for g in group or [] if g not in GROUPS]
        if unknown:
            raise SaferplanError(
                f"'{unknown[0]}' is not a group", hint=f"Groups: {'; '.join(GROUPS)}."
            )
    rows = [d.row() for d in in_groups(*(group or []))]
    if format == "json":
        write_stdout(json.dumps([dict(zip(COLUMNS, r, strict=True)) for r in rows], indent=2))
        write_stdout("\n")
    elif format == "markdown":
        write_stdout(markdown_table(list(COLUMNS), rows))
    elif format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows([COLUMNS, *rows])
        write_stdout(buffer.getvalue())
    else:
        print_rows(COLUMNS, rows, format, "Definitions")
        console.print("Also: --format csv, json or markdown.", style="dim", highlight=False)


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    app.command("definitions")(definitions_command)
