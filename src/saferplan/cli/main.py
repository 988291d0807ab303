"""Entry point: ``saferplan <command>``. Each command group lives in its own module.

A command imports only the module that defines it (``saferplan stats compare`` never loads
Django, the report builder or the web app's modules): start-up is most of a short
command's time. Help, and an unknown command, load them all.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from saferplan.cli.helptext import reflow

# (module, attribute) of each command group or command-registering function, so a missing
# optional part never stops the rest of the CLI from loading.
COMMAND_MODULES = (
    "saferplan.cli.importing",
    "saferplan.cli.stats",
    "saferplan.cli.demo",
    "saferplan.cli.report",
    "saferplan.cli.plans",
    "saferplan.cli.youthjustice",
    "saferplan.cli.definitions",
    "saferplan.cli.serve",
    "saferplan.cli.accounts",
    "saferplan.cli.editions",
    "saferplan.cli.jobs",
    "saferplan.cli.resources",
    "saferplan.cli.documents",
    "saferplan.cli.uploads",
)
# The top-level commands each module registers (a test keeps this true).
COMMANDS = {
    "import": "saferplan.cli.importing", "imports": "saferplan.cli.importing",
    "stats": "saferplan.cli.stats", "demo": "saferplan.cli.demo",
    "report": "saferplan.cli.report", "plans": "saferplan.cli.plans",
    "youthjustice": "saferplan.cli.youthjustice", "definitions": "saferplan.cli.definitions",
    "serve": "saferplan.cli.serve", "accounts": "saferplan.cli.accounts",
    "editions": "saferplan.cli.editions", "worker": "saferplan.cli.jobs",
    "jobs": "saferplan.cli.jobs", "resources": "saferplan.cli.resources",
    "documents": "saferplan.cli.documents", "uploads": "saferplan.cli.uploads",
}  # fmt: skip


def build_app(modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """The CLI with the commands of ``modules``."""
    built = typer.Typer(
        name="saferplan",
        help="Community safety and youth justice analysis, plans and reports, from data.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    # A group even with one command registered (Typer would make a lone command the root).
    built.callback()(_group)
    for module in modules:
        try:
            importlib.import_module(module).register(built)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return reflow(built)  # help as paragraphs, not the docstrings' line breaks


def _group() -> None:
    """Community safety and youth justice analysis, plans and reports, from data."""


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The one module a command line needs, or every module (help, an unknown command)."""
    if not argv or argv[0] not in COMMANDS:
        return COMMAND_MODULES
    return (COMMANDS[argv[0]],)


def __getattr__(name: str) -> Any:
    """``app``, every command registered, made when first asked for (tests, ``--help``)."""
    if name == "app":
        built = build_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)


def run() -> None:
    build_app(modules_for(sys.argv[1:]))()


if __name__ == "__main__":
    run()
