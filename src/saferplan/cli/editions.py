"""``saferplan editions list|verify``: the documents a partnership has built, and whether
their files are still exactly as they were made. Their route to publication
(``advance|return|amend|history|route``) is in ``edition_route``; differences and comments
(``diff|comments``) in ``edition_review``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.output import console, err_console, friendly_errors, print_rows, write_stdout

if TYPE_CHECKING:
    from saferplan.editions.models import Edition

app = typer.Typer(help="Documents kept as editions: list and verify them, move them along "
                  "their route to publication, compare them, read their comments.",
                  no_args_is_help=True)  # fmt: skip

COLUMNS = ["id", "document", "year", "edition", "state", "built", "built_by"]
FORMATS = ("csv", "json", "table")


def _summary(edition: Edition) -> list[Any]:
    from django.utils import timezone

    built = timezone.localtime(edition.built_at).isoformat(timespec="seconds")
    return [edition.pk, edition.document, edition.period, edition.edition, edition.state,
            built, edition.built_by_name]  # fmt: skip


def _as_json(edition: Edition) -> dict[str, Any]:
    return {
        **dict(zip(COLUMNS, _summary(edition), strict=True)),
        "title": edition.title,
        "check": {"passed": edition.check_passed, "problems": edition.check_problems},
        "parameters": edition.parameters,
        "imports": edition.imports,
        "files": [
            {
                "name": f.name,
                "sha256": f.sha256,
                "size": f.size_bytes,
                "content_type": f.content_type,
            }
            for f in edition.files.all()
        ],
    }


@app.command("list")
def list_editions(
    partnership: options.Partnership = None,
    format: Annotated[
        str, typer.Option("--format", help="csv (a row per file), json or table.")
    ] = "table",
) -> None:
    """Every edition of the partnership, newest first, with each file's SHA-256."""
    from saferplan.core.errors import SaferplanError
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        if format not in FORMATS:
            raise SaferplanError(f"unknown format '{format}'", hint="Use csv, json or table.")
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions.models import Edition

        with cli_partnership(partnership) as chosen:
            editions = list(Edition.objects.prefetch_related("files"))
            if format == "json":
                write_stdout(json.dumps([_as_json(e) for e in editions], indent=1) + "\n")
            elif format == "csv":
                rows = [[*_summary(e), f.name, f.sha256] for e in editions for f in e.files.all()]
                print_rows([*COLUMNS, "file", "sha256"], rows, "csv", "")
            else:
                _print_table(editions, f"Editions of {chosen.name}")


def _print_table(editions: list[Edition], title: str) -> None:
    """For people: a row per file, the edition's columns on its first file's row only."""
    from django.utils import timezone
    from rich.table import Table

    grid = Table(title=title, caption=None if editions else "None yet: saferplan report "
                 "strategic-assessment builds one.")  # fmt: skip
    for column in [*COLUMNS, "file"]:
        grid.add_column(column)
    grid.add_column("sha256", overflow="fold", min_width=16)
    for edition in editions:
        summary = [str(x) for x in _summary(edition)]
        summary[COLUMNS.index("built")] = f"{timezone.localtime(edition.built_at):%Y-%m-%d %H:%M}"
        files = list(edition.files.all())
        for i, f in enumerate(files):
            shown = summary if i == 0 else [""] * len(COLUMNS)
            grid.add_row(*shown, f.name, f.sha256, end_section=i == len(files) - 1)
    console.print(grid)


@app.command()
def verify(
    edition_id: Annotated[int, typer.Argument(metavar="ID", help="The edition's id.")],
    partnership: options.Partnership = None,
) -> None:
    """Re-compute every file's SHA-256; exit 1 naming any file that changed."""
    from saferplan.core.errors import NotFoundError
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import cli_partnership
        from saferplan.editions.models import Edition
        from saferplan.editions.store import folder_of
        from saferplan.editions.store import verify as verify_files

        with cli_partnership(partnership) as chosen:
            edition = Edition.objects.filter(pk=edition_id).first()
            if edition is None:
                raise NotFoundError(f"no edition {edition_id} in {chosen.name}",
                                    hint="saferplan editions list shows them.")  # fmt: skip
            problems = verify_files(edition)
            count, folder = edition.files.count(), folder_of(edition)
    if problems:
        err_console.print(f"[bold red]Edition {edition_id} has been altered[/] ({folder}):",
                          highlight=False, soft_wrap=True)  # fmt: skip
        for problem in problems:
            err_console.print(f"  - {problem.describe()}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1)
    console.print(f"[green]OK[/]: the {count} files of edition {edition_id} ({edition.title}) "
                  "have the SHA-256 recorded when it was made.", highlight=False)  # fmt: skip


def say_kept(edition: Edition | None) -> None:
    """What a build command prints about the edition it kept (or why it kept none)."""
    if edition is None:
        console.print("[yellow]Not kept as an edition[/]: there is no partnership yet "
                      "(saferplan accounts partnership NAME).", highlight=False)  # fmt: skip
        return
    console.print(f"[green]Kept[/] as edition {edition.pk} ({edition.edition}, {edition.state}):"
                  f" saferplan editions verify {edition.pk}", highlight=False)  # fmt: skip


def register(root: typer.Typer) -> None:
    # Their commands join ``app`` as they are imported.
    from saferplan.cli import edition_review, edition_route  # noqa: F401

    root.add_typer(app, name="editions")
