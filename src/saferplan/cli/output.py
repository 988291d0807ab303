"""One place that turns library errors into messages for people, and shared consoles."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console

from saferplan.datastore.errors import InputError, SaferplanError

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
