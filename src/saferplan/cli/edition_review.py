"""``saferplan editions diff|comments``: what changed between two editions, and the comments
an edition has received (with those carried forward from earlier editions)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.edition_route import EditionId, Format, _format, _setup, find_edition
from saferplan.cli.editions import app
from saferplan.cli.output import console, friendly_errors, plain, print_rows, write_stdout

if TYPE_CHECKING:
    from saferplan.editions.compare import Comparison
    from saferplan.editions.textdiff import Segment

FIGURE_COLUMNS = ["part", "figure", "before", "after", "status", "why"]
COMMENT_COLUMNS = [
    "comment",
    "edition",
    "section",
    "raised_by",
    "raised_on",
    "text",
    "owner",
    "due_on",
    "status",
    "response",
    "outcome",
]


@app.command()
def diff(
    old: Annotated[int, typer.Argument(metavar="A", help="The earlier edition's id.")],
    new: Annotated[int, typer.Argument(metavar="B", help="The later edition's id.")],
    format: Format = "table",
    partnership: options.Partnership = None,
) -> None:
    """Which figures changed from edition A to B and why, and which sections' text."""
    with friendly_errors():
        _format(format)
        _setup()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions.compare import compare

        with cli_partnership(partnership) as chosen:
            found = compare(find_edition(old, chosen.name), find_edition(new, chosen.name))
    rows = [
        [c.group, c.label, _value(c.before), _value(c.after), c.status, "; ".join(c.reasons)]
        for c in found.figures
    ]
    if format == "json":
        write_stdout(json.dumps(_as_json(found, rows), indent=1, ensure_ascii=False) + "\n")
    elif format == "csv":
        print_rows(FIGURE_COLUMNS, rows, "csv", "")
    else:
        _print(found, rows)


def _value(value: Any) -> str:
    return "" if value is None else str(value)


def _marked(segments: tuple[Segment, ...], sign: str) -> str:
    ends = ("[-", "-]") if sign == "-" else ("{+", "+}")
    return "".join(f"{ends[0]}{s.text}{ends[1]}" if s.marked else s.text for s in segments)


def _as_json(found: Comparison, rows: list[list[Any]]) -> dict[str, Any]:
    return {
        "from": found.old.pk,
        "to": found.new.pk,
        "figures": [dict(zip(FIGURE_COLUMNS, r, strict=True)) for r in rows],
        "text_compared": found.text_source or None,
        "text": [
            {
                "section": s.heading,
                "status": s.status,
                "unchanged_paragraphs": s.unchanged,
                "lines": [
                    {
                        "kind": ln.kind,
                        "before": _marked(ln.before, "-"),
                        "after": _marked(ln.after, "+"),
                    }
                    for ln in s.lines
                ],
            }
            for s in found.text
        ],
    }


def _print(found: Comparison, rows: list[list[Any]]) -> None:
    title = f"Edition {found.old.pk} to edition {found.new.pk}: {len(rows)} figures differ"
    print_rows(FIGURE_COLUMNS, rows, "table", title, None if rows else "No figure changed.")
    if not found.text_source:
        console.print("No text to compare (neither edition has its HTML).")
        return
    console.print(
        plain(
            f"\nText ({found.text_source}): {len(found.text)} sections differ"
            " ([-removed-] {+added+})"
        ),
        highlight=False,
    )
    for section in found.text:
        console.print(
            plain(f"\n{section.heading} ({section.status})"), style="bold", highlight=False
        )
        for line in section.lines:
            if line.before:
                console.print(plain("- " + _marked(line.before, "-")), highlight=False)
            if line.after:
                console.print(plain("+ " + _marked(line.after, "+")), highlight=False)


@app.command()
def comments(
    edition_id: EditionId, format: Format = "table", partnership: options.Partnership = None
) -> None:
    """An edition's comments (and those carried forward), open ones past due as OVERDUE."""
    with friendly_errors():
        _format(format)
        _setup()
        from django.utils import timezone

        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions.comments import comments_for

        today = timezone.localdate()
        with cli_partnership(partnership) as chosen:
            edition = find_edition(edition_id, chosen.name)
            rows = [_comment_row(c, today) for c in comments_for(edition)]
    if format == "json":
        write_stdout(
            json.dumps(
                [dict(zip(COMMENT_COLUMNS, r, strict=True)) for r in rows],
                indent=1,
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    print_rows(
        COMMENT_COLUMNS,
        rows,
        format,
        f"Comments on edition {edition_id}",
        None if rows else "None yet.",
    )


def _comment_row(c: Any, today: Any) -> list[Any]:
    if c.answered:
        status, outcome = (
            "answered",
            ("changed: " if c.changed else "not changed: ") + c.change_note,
        )
    else:
        status, outcome = ("OVERDUE" if c.overdue(today) else "open"), ""
    return [
        c.pk,
        c.edition_id,
        c.section,
        c.source_name,
        c.raised_on.isoformat(),
        c.text,
        c.owner_name,
        c.due_on.isoformat(),
        status,
        c.response,
        outcome,
    ]
