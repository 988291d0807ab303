"""Entry point: ``saferplan <command>``. Each command group lives in its own module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="saferplan",
    help="Community safety and youth justice analysis, plans and reports, from data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

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
)

for _module in COMMAND_MODULES:
    try:
        importlib.import_module(_module).register(app)
    except ModuleNotFoundError as _exc:
        if _exc.name != _module:
            raise


def run() -> None:
    app()


if __name__ == "__main__":
    run()
