"""``saferplan editions advance|return|amend|history|route``: an edition's route to
publication, one recorded step at a time. The command line acts as the operator (as every
``saferplan`` command does) and is audited as the operating-system user."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.editions import app
from saferplan.cli.output import console, friendly_errors, plain, print_rows, write_stdout

if TYPE_CHECKING:
    from saferplan.editions.models import Edition

HISTORY_COLUMNS = [
    "step",
    "kind",
    "from",
    "to",
    "body",
    "meeting_date",
    "agenda_item",
    "resolution",
    "key_decision",
    "amendments",
    "recorded",
    "recorded_by",
]
FORMATS = ("csv", "json", "table")

Body = Annotated[str, typer.Option("--body", help="The body that decided, e.g. 'Cabinet'.")]
MeetingDate = Annotated[str, typer.Option("--date", help="The meeting's date, YYYY-MM-DD.")]
Item = Annotated[str, typer.Option("--item", help="The agenda item, e.g. 'Item 8'.")]
Resolution = Annotated[str, typer.Option("--resolution", help="The resolution as minuted.")]
EditionId = Annotated[int, typer.Argument(metavar="ID", help="The edition's id.")]
Format = Annotated[str, typer.Option("--format", help="csv, json or table.")]


def parse_date(value: str, option: str) -> dt.date:
    from saferplan.core.errors import SaferplanError

    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SaferplanError(
            f"{option} '{value}' is not a date", hint="Write it as YYYY-MM-DD, e.g. 2019-07-17."
        ) from None


def _format(value: str) -> str:
    from saferplan.core.errors import SaferplanError

    if value not in FORMATS:
        raise SaferplanError(f"unknown format '{value}'", hint="Use csv, json or table.")
    return value


def find_edition(edition_id: int, partnership_name: str) -> Edition:
    from saferplan.core.errors import NotFoundError
    from saferplan.editions.models import Edition

    found = Edition.objects.filter(pk=edition_id).first()
    if found is None:
        raise NotFoundError(
            f"no edition {edition_id} in {partnership_name}",
            hint="saferplan editions list shows them.",
        )
    return found


def _setup() -> None:
    from saferplan.site.bootstrap import setup_django

    setup_django()


@app.command()
def advance(
    edition_id: EditionId,
    to: Annotated[str, typer.Option("--to", help="The next state of its route.")],
    body: Body,
    date: MeetingDate,
    item: Item = "",
    resolution: Resolution = "",
    key_decision: Annotated[bool, typer.Option("--key-decision", help="A key decision.")] = False,
    amendment: Annotated[
        list[str] | None,
        typer.Option("--amendment", help="A minor amendment made under delegation; repeatable."),
    ] = None,
    amended_by: Annotated[
        str, typer.Option("--amended-by", help="Who made the minor amendments (delegated).")
    ] = "",
    partnership: options.Partnership = None,
) -> None:
    """Move an edition on one step along its route, recording the decision."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.core.errors import SaferplanError
        from saferplan.editions import steps

        when = parse_date(date, "--date")
        if amendment and not amended_by.strip():
            raise SaferplanError("say who made the minor amendments (--amended-by)")
        made = [steps.Amendment(text, amended_by) for text in amendment or []]
        decision = steps.Decision(body, when, item, resolution, key_decision, made)
        with cli_partnership(partnership) as chosen:
            edition = find_edition(edition_id, chosen.name)
            step = steps.advance(edition, to.strip(), decision)
    console.print(
        plain(
            f"Edition {edition_id} moved on to {step.to_label} ({step.body}, "
            f"{step.meeting_date:%d %B %Y})."
        ),
        highlight=False,
    )


@app.command("return")
def return_edition(
    edition_id: EditionId,
    to: Annotated[str, typer.Option("--to", help="The earlier state it goes back to.")],
    body: Body,
    date: MeetingDate,
    item: Item = "",
    resolution: Resolution = "",
    partnership: options.Partnership = None,
) -> None:
    """Return an edition for changes to an earlier state of its route (a recorded step)."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions import steps

        decision = steps.Decision(body, parse_date(date, "--date"), item, resolution)
        with cli_partnership(partnership) as chosen:
            edition = find_edition(edition_id, chosen.name)
            step = steps.return_for_changes(edition, to.strip(), decision)
    console.print(
        plain(
            f"Edition {edition_id} returned for changes to {step.to_label} "
            f"({step.body}, {step.meeting_date:%d %B %Y})."
        ),
        highlight=False,
    )


@app.command()
def amend(
    edition_id: EditionId,
    text: Annotated[str, typer.Option("--text", help="What the minor amendment changed.")],
    by: Annotated[str, typer.Option("--by", help="Who made it, under the delegation.")],
    date: Annotated[str, typer.Option("--date", help="When, YYYY-MM-DD.")] = "",
    step: Annotated[
        int | None, typer.Option("--step", help="The step (1 = first) that delegated it.")
    ] = None,
    partnership: options.Partnership = None,
) -> None:
    """Record a minor amendment made under a delegation (default: of the latest step)."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.core.errors import SaferplanError
        from saferplan.editions import steps

        made_on = parse_date(date, "--date") if date else None
        with cli_partnership(partnership) as chosen:
            edition = find_edition(edition_id, chosen.name)
            taken = steps.history(edition)
            number = step if step is not None else len(taken)
            if not 1 <= number <= len(taken):
                raise SaferplanError(
                    f"edition {edition_id} has no step {number}",
                    hint=f"It has taken {len(taken)} steps.",
                )
            chosen_step = taken[number - 1]
            steps.add_amendment(chosen_step, steps.Amendment(text, by, made_on))
    console.print(
        plain(f"Minor amendment recorded under step {number} ({chosen_step.to_label})."),
        highlight=False,
    )


def history_rows(edition: Edition) -> list[list[Any]]:
    from django.utils import timezone

    from saferplan.editions.steps import history

    rows = []
    for number, s in enumerate(history(edition), start=1):
        amendments = "; ".join(f"{a.text} ({a.made_by})" for a in s.amendments.all())
        rows.append(
            [
                number,
                s.kind,
                s.from_state,
                s.to_state,
                s.body,
                s.meeting_date.isoformat(),
                s.agenda_item,
                s.resolution,
                "yes" if s.key_decision else "no",
                amendments,
                timezone.localtime(s.taken_at).isoformat(timespec="seconds"),
                s.taken_by_name,
            ]
        )
    return rows


@app.command()
def history(
    edition_id: EditionId, format: Format = "table", partnership: options.Partnership = None
) -> None:
    """Every step an edition has taken on its route, oldest first."""
    with friendly_errors():
        _format(format)
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions.routes import route_for

        with cli_partnership(partnership) as chosen:
            edition = find_edition(edition_id, chosen.name)
            rows = history_rows(edition)
            state = route_for(edition.document).label(edition.state)
    if format == "json":
        write_stdout(
            json.dumps([dict(zip(HISTORY_COLUMNS, r, strict=True)) for r in rows], indent=1) + "\n"
        )
    elif format == "csv":
        print_rows(HISTORY_COLUMNS, rows, "csv", "")
    else:
        shown = ["step", "to", "body", "meeting_date", "agenda_item", "resolution", "key_decision"]
        picked = [[r[HISTORY_COLUMNS.index(c)] for c in shown] for r in rows]
        caption = None if rows else "No step yet: it is a draft."
        print_rows(shown, picked, "table", f"Edition {edition_id}: {state}", caption)


@app.command()
def route(
    document: Annotated[str, typer.Argument(help="e.g. youth-justice-plan.")],
    format: Format = "table",
    partnership: options.Partnership = None,
) -> None:
    """A kind of document's route: its states in order, and who may take each step."""
    with friendly_errors():
        _format(format)
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.core.errors import NotFoundError
        from saferplan.editions.models import Document
        from saferplan.editions.routes import route_for

        if document not in Document.values:
            raise NotFoundError(
                f"unknown document '{document}'",
                hint="Documents: " + ", ".join(Document.values) + ".",
            )
        with cli_partnership(partnership) as chosen:
            found = route_for(document)
    rows = [[i, s.state, s.label, s.body, ",".join(s.roles)] for i, s in enumerate(found.steps)]
    if format == "json":
        steps = [
            {"position": i, "state": s.state, "label": s.label, "body": s.body,
             "roles": list(s.roles)}
            for i, s in enumerate(found.steps)
        ]  # fmt: skip
        result = {"document": document, "own": found.own, "steps": steps}
        write_stdout(json.dumps(result, indent=1) + "\n")
        return
    origin = "its own" if found.own else "as declared (not yet changed)"
    print_rows(
        ["position", "state", "label", "body", "roles"],
        rows,
        format,
        f"{Document(document).label} route of {chosen.name}, {origin}",
    )
