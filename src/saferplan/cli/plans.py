"""``saferplan plans import``: load a delivery plan from the spreadsheet shape."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors

app = typer.Typer(help="Delivery plans.", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or Excel file in the plan shape.")],
    year: Annotated[str, typer.Option(help="Strategy year label, e.g. 2019/20.")],
    title: Annotated[str, typer.Option(help="Plan title.")] = "Delivery plan",
    partnership: options.Partnership = None,
) -> None:
    """Import a delivery plan (all rows or none)."""
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.plans.importing import import_plan, plan_text
        from saferplan.plans.models import Action

        # A partnership that does not exist is an error, never created by a typo.
        with cli_partnership(partnership) as owner:
            plan = import_plan(plan_text(str(file)), str(file), owner, year, title)
            count = Action.objects.filter(objective__priority__year=plan).count()
    console.print(f"[green]Imported[/] {plan}: {count} actions.", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="plans")
