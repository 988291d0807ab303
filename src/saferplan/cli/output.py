"""One place that turns library errors into messages for people, and shared consoles."""

from __future__ import annotations

import csv
import gc
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console

from saferplan.core.cells import csv_row
from saferplan.core.errors import InputError, SaferplanError

console = Console()
err_console = Console(stderr=True)

T = TypeVar("T")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show a SaferplanError as one clear message (plus hint) and exit non-zero."""
    try:
        yield
    except InputError as exc:
        _show(exc)
        raise typer.Exit(code=2) from None
    except SaferplanError as exc:
        _show(exc)
        raise typer.Exit(code=1) from None


@contextmanager
def exiting_soon() -> Iterator[None]:
    """For a command whose process exits once it is done: no cycle collection meanwhile.

    What such a command loads (Django, pyarrow and their caches) lives until the process
    exits, so the collector would only traverse it again and again, and once more at exit
    (about 0.1 s of an import's start-up and exit). Frozen at the end, it is skipped then too.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _show(exc: SaferplanError) -> None:
    err_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"[dim]Hint:[/] {exc.hint}", highlight=False, soft_wrap=True)


def write_stdout(text: str) -> None:
    """Machine-readable output goes to stdout unadorned (no Rich markup or wrapping)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def call(fn: Callable[[], T]) -> T:
    with friendly_errors():
        return fn()


def print_rows(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    format: str,
    title: str,
    caption: str | None = None,
) -> None:
    """Rows as CSV on stdout (``format == "csv"``) or as a table for people."""
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(csv_row(headers))
        writer.writerows(csv_row(row) for row in rows)
        write_stdout(buffer.getvalue())
        return
    from rich.table import Table

    grid = Table(title=title, caption=caption)
    for header in headers:
        grid.add_column(header)
    for row in rows:
        grid.add_row(*[str(x) for x in row])
    console.print(grid)
