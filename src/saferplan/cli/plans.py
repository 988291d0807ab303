"""``saferplan plans import|tag|link``: load a delivery plan from the spreadsheet shape; tag
an action with the documents and themes it is reported under; link it to its measures."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors

if TYPE_CHECKING:
    from saferplan.accounts.models import Organisation
    from saferplan.plans import service
    from saferplan.plans.importing import PlanPreview

app = typer.Typer(help="Delivery plans.", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or Excel file in the plan shape.")],
    year: Annotated[
        str | None, typer.Option(help="Plan year, e.g. 2019/20 (default: the one the file names).")
    ] = None,
    title: Annotated[str, typer.Option(help="Plan title.")] = "Delivery plan",
    lead: Annotated[
        list[str] | None,
        typer.Option(
            help='A lead and its organisation: "LEAD=ORGANISATION" (repeatable); '
            "remembered as an alias of the organisation."
        ),
    ] = None,
    leads: Annotated[
        Path | None,
        typer.Option(help="CSV of leads and organisations (columns lead,organisation)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; change nothing.")
    ] = False,
    partnership: options.Partnership = None,
) -> None:
    """Import a delivery plan (all rows or none), with its progress history, year-end
    decisions and links to other years; show how each lead was matched."""
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.plans import service
        from saferplan.plans.planfile import plan_source, read_plan_source

        # A partnership that does not exist is an error, never created by a typo.
        with cli_partnership(partnership) as owner:
            source = plan_source(str(file))
            plan, _ = read_plan_source(source)
            mapping = _lead_mapping(lead or [], leads, {r.lead_text for r in plan.rows})
            preview = service.preview_import(plan, owner, year, mapping)
            _show(preview)
            if dry_run:
                console.print("Nothing was imported (--dry-run).")
                return
            done = service.import_plan(
                None, file, owner, year, title, mapping, previewed=source.sha256
            )
    _say_done(done, preview, str(file))


def _say_done(done: service.PlanImport, preview: PlanPreview, file: str) -> None:
    from saferplan.cli.output import labelled

    if done.already_imported:
        earlier = done.earlier
        when = (
            f" as import #{earlier.pk} ({earlier.finished_at:%Y-%m-%d %H:%M} by "
            f"{earlier.imported_by})"
            if earlier is not None
            else ""
        )
        message = f" {file}: already imported{when}; nothing was changed."
        console.print(labelled("Skipped", "yellow", message), highlight=False, soft_wrap=True)
        return
    record = done.record
    console.print(
        labelled(
            "Imported",
            "green",
            f" {done.year}: {preview.actions} actions, as import #{record.pk} "
            f"(SHA-256 {record.sha256}).",
        ),
        highlight=False,
        soft_wrap=True,
    )


def _show(preview: PlanPreview) -> None:
    from rich.table import Table

    ratings = ", ".join(f"{k}: {v}" for k, v in sorted(preview.ratings.items())) or "none"
    decisions = ", ".join(f"{k}: {v}" for k, v in sorted(preview.dispositions.items())) or "none"
    console.print(
        f"{preview.file}: the {preview.label} plan, {len(preview.priorities)} priorities, "
        f"{preview.objectives} objectives, {preview.actions} actions ({preview.new_actions} "
        f"new), {preview.updates} progress updates (ratings {ratings}), year-end decisions "
        f"{decisions}; {preview.linked_back} continue an action of an earlier plan, "
        f"{preview.linked_forward} are continued in a later one.",
        highlight=False,
        soft_wrap=True,
    )
    grid = Table(title="Leads")
    for header in ("Lead, as written", "Actions", "Organisation", "Matched by"):
        grid.add_column(header)
    for m in preview.leads:
        found = m.organisation.name if m.organisation else "[yellow]not matched[/]"
        grid.add_row(m.lead or "(blank)", str(m.actions), found if m.lead else "–", m.how)
    console.print(grid)
    if preview.ignored:
        from saferplan.core.csvcheck import listing_of

        console.print(f"Columns not imported: {listing_of(preview.ignored)}.", highlight=False)
    if preview.exists:
        console.print(f"[yellow]The {preview.label} plan has been imported already.[/]")
    unmatched = [m for m in preview.unmatched if m.lead]
    if unmatched:
        console.print(
            f"{len(unmatched)} leads match no organisation: settle them with "
            '--lead "LEAD=ORGANISATION" (or --leads FILE), or on the plan\'s Lead '
            "organisations page.",
            highlight=False,
        )


def _lead_mapping(
    given: list[str], file: Path | None, present: set[str]
) -> dict[str, Organisation]:
    """Leads settled on the command line: each lead must be in the plan, each organisation known."""
    from saferplan.core.errors import InputError, SaferplanError
    from saferplan.plans.models import lead_key

    pairs: list[tuple[str, str, str]] = []  # (lead, organisation, where it was given)
    for item in given:
        lead_text, sep, org = item.rpartition("=")
        if not sep or not lead_text.strip() or not org.strip():
            raise SaferplanError(f"--lead '{item}' is not LEAD=ORGANISATION")
        pairs.append((lead_text, org, "--lead"))
    if file is not None:
        if not file.is_file():
            raise InputError(str(file), "no such file")
        with open(file, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not {"lead", "organisation"} <= set(reader.fieldnames or []):
                raise InputError(str(file), "expected the columns 'lead' and 'organisation'", row=1)
            for row_number, row in enumerate(reader, start=2):
                pairs.append(
                    (row["lead"] or "", row["organisation"] or "", f"{file}, row {row_number}")
                )
    keys = {lead_key(p) for p in present}
    mapping = {}
    for lead_text, org, where in pairs:
        if lead_key(lead_text) not in keys:
            raise SaferplanError(
                f"{where}: no action of the plan has the lead '{lead_text.strip()}'"
            )
        mapping[" ".join(lead_text.split())] = _organisation(org.strip(), where)
    return mapping


def _organisation(name: str, where: str) -> Organisation:
    import difflib

    from saferplan.accounts.models import Organisation
    from saferplan.core.errors import NotFoundError

    every = list(Organisation.objects.all())
    for org in every:
        if org.name.lower() == name.lower():
            return org
    close = difflib.get_close_matches(name, [o.name for o in every], n=3, cutoff=0.5)
    raise NotFoundError(
        f"{where}: no organisation called '{name}'",
        hint=(f"Did you mean {' or '.join(close)}? " if close else "")
        + "Organisations: "
        + (", ".join(o.name for o in every) or "none yet")
        + ".",
    )


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
