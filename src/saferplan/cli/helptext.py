"""Help that reads as paragraphs: Typer (in its Rich mode) keeps a docstring's single line
breaks in a group's list of commands and in a command's later paragraphs, so help broke
where the source lines did ("the shared / warehouse"). Every command's and group's help is
joined into paragraphs before Typer reads it; a paragraph that is a list, indented, or
marked with Click's ``\\b`` is kept as written."""

from __future__ import annotations

import inspect
import re
from typing import Any

import typer

_KEPT = re.compile(r"^(\s|[-*•] |\d+[.)] )")  # a list item or an indented line


def paragraphs(text: str) -> str:
    """``text`` with each paragraph's single line breaks made spaces."""
    out = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        lines = block.split("\n")
        if block.startswith("\b") or any(_KEPT.match(line) for line in lines[1:]):
            out.append(block)
        else:
            out.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def _reflowed(given: str | None, callback: Any) -> str | None:
    text = given if isinstance(given, str) else inspect.getdoc(callback) if callback else None
    return paragraphs(text) if text else given


def reflow(app: typer.Typer) -> typer.Typer:
    """Make every help text of ``app``, its commands and its groups read as paragraphs."""
    app.info.help = _reflowed(
        app.info.help, app.registered_callback and app.registered_callback.callback
    )
    for command in app.registered_commands:
        command.help = _reflowed(command.help, command.callback)
    for group in app.registered_groups:
        group.help = _reflowed(group.help, None) if isinstance(group.help, str) else group.help
        if group.typer_instance is not None:
            reflow(group.typer_instance)
    return app
