"""One place that turns library errors into messages for people, and shared consoles.

Messages quote what files hold (cells, column names, archive members), so they are printed
as plain text: never read as Rich markup (``[link=…]`` would be a hyperlink, ``[/bold]`` an
error), with escape sequences and control characters removed (see :func:`plain`).
"""

from __future__ import annotations

import csv
import gc
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from saferplan.core.cells import csv_row
from saferplan.core.csvcheck import printable
from saferplan.core.errors import InputError, SaferplanError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


class _Deferred:
    """A Rich console made when first used: a command that prints only CSV or JSON (``stats
    compare --format csv``) never imports Rich, a tenth of its start-up."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._made: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._made is None:
            from rich.console import Console

            self._made = Console(**self._options)
        return getattr(self._made, name)


console = cast("Console", _Deferred())
err_console = cast("Console", _Deferred(stderr=True))

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


def plain(value: object) -> Text:
    """``value`` as Rich text that is shown as it is: no markup, escapes or control codes."""
    from rich.text import Text

    return Text(printable(str(value)))


def labelled(label: str, style: str, *rest: object) -> Text:
    """A styled label (ours) followed by plain text (possibly from a file)."""
    from rich.text import Text

    return Text.assemble((label, style), *(plain(part) for part in rest))


def _show(exc: SaferplanError) -> None:
    err_console.print(labelled("Error:", "bold red", " ", exc.message), highlight=False,
                      soft_wrap=True)  # fmt: skip
    if exc.hint:
        err_console.print(labelled("Hint:", "dim", " ", exc.hint), highlight=False,
                          soft_wrap=True)  # fmt: skip


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

    grid = Table(title=plain(title), caption=plain(caption) if caption else None)
    for header in headers:
        grid.add_column(plain(header))
    for row in rows:
        grid.add_row(*[plain(x) for x in row])
    console.print(grid)
