"""``saferplan plans import|tag|link``: load a delivery plan from the spreadsheet shape; tag
an action with the documents and themes it is reported under; link it to its measures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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


def _action(reference: str) -> Any:
    """An action of the partnership in scope by its reference (1920-HV1-01) or id."""
    from saferplan.core.errors import NotFoundError
    from saferplan.plans.models import Action

    found = Action.objects.filter(reference=reference).select_related("objective__priority")
    if reference.isdigit() and not found.exists():
        found = Action.objects.filter(pk=int(reference)).select_related("objective__priority")
    actions = list(found[:2])
    if len(actions) != 1:
        raise NotFoundError(
            f"no single action '{reference}' in the partnership's plans",
            hint="Give the action's reference (e.g. 1920-HV1-01) or its id.",
        )
    return actions[0]


ActionRef = Annotated[str, typer.Argument(help="The action's reference (1920-HV1-01) or id.")]


@app.command("tag")
def tag_command(
    action: ActionRef,
    tags: Annotated[
        list[str], typer.Argument(help="e.g. knife-crime-action-plan lkcs:supporting-victims")
    ],
    partnership: options.Partnership = None,
) -> None:
    """Replace an action's tags: the documents and themes it is reported under (audited)."""
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.plans.links import set_tags

        with cli_partnership(partnership):
            done = set_tags(_action(action), tags)
    console.print(f"[green]Tagged[/] {done}: {', '.join(done.tags) or 'no tags'}", highlight=False)


@app.command("link")
def link_command(
    action: ActionRef,
    measures: Annotated[list[int], typer.Argument(help="The ids of the measures it should move.")],
    partnership: options.Partnership = None,
) -> None:
    """Link an action to the outcome measures it is meant to move (same plan year; audited)."""
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.core.errors import NotFoundError
        from saferplan.plans.links import link_measures
        from saferplan.plans.models import Measure

        with cli_partnership(partnership):
            chosen = list(
                Measure.objects.filter(pk__in=measures).select_related("objective__priority")
            )
            if missing := sorted(set(measures) - {m.pk for m in chosen}):
                raise NotFoundError(f"no measure {missing[0]} in the partnership's plans")
            done = link_measures(_action(action), chosen)
    console.print(f"[green]Linked[/] {done} to {len(chosen)} measure(s)", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="plans")
