"""``saferplan documents``: the templates and blocks plans are built from, a partnership's
own template, and writing a section's text from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saferplan.cli import options
from saferplan.cli.output import console, friendly_errors

app = typer.Typer(help="Templates, blocks and text of the statutory plans.", no_args_is_help=True)


@app.command("templates")
def templates(partnership: options.Partnership = None) -> None:
    """List the templates: the shipped ones and the partnership's own."""
    from rich.table import Table

    from saferplan.accounts.tenancy import cli_partnership
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.documents.template import KINDS, available

        grid = Table("key", "document", "applies from", "sections", "guidance")
        with cli_partnership(partnership):
            for kind in KINDS:
                for t in available(kind):
                    grid.add_row(
                        t.key + (" (own)" if t.own else ""),
                        kind,
                        str(t.applies_from),
                        str(len(t.sections)),
                        t.guidance,
                    )
    console.print(grid)


@app.command("blocks")
def blocks() -> None:
    """List the generated blocks a template's sections may name."""
    from rich.table import Table

    from saferplan.documents.blocks import registry

    grid = Table("name", "what it shows", "parameters", "from")
    for spec in registry().values():
        grid.add_row(spec.name, spec.title, ", ".join(spec.params), spec.source)
    console.print(grid)


@app.command("template")
def import_template(
    path: Annotated[Path, typer.Argument(help="A template file (TOML), as the shipped ones.")],
    partnership: options.Partnership = None,
) -> None:
    """Add the partnership's own template (validated: errors name the file and line)."""
    from saferplan.accounts.tenancy import cli_partnership
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.documents.service import import_template as store

        with cli_partnership(partnership):
            own = store(path)
    console.print(
        f"[green]Imported[/] template {own.key} for the {own.document} from "
        f"{path.name} (SHA-256 {own.sha256[:12]}…)",
        highlight=False,
    )


@app.command("write")
def write_section(
    document: Annotated[str, typer.Argument(help="youth-justice-plan, community-safety-plan…")],
    section: Annotated[str, typer.Argument(help="The section's key, e.g. introduction.")],
    path: Annotated[Path, typer.Argument(help="A text file in the safe Markdown subset.")],
    year: Annotated[str, typer.Option(help="The plan year, e.g. 2019-20.")],
    partnership: options.Partnership = None,
    template: Annotated[str | None, typer.Option(help="A template key.")] = None,
) -> None:
    """Save a section's text from a file (kept as a new revision, audited)."""
    from saferplan.accounts.tenancy import cli_partnership
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.documents.service import save_section
        from saferplan.documents.template import choose

        with cli_partnership(partnership):
            saved = save_section(
                choose(document, year, template), year, section, path.read_text(encoding="utf-8")
            )
    said = "Saved" if saved.changed else "Unchanged"
    console.print(f"[green]{said}[/] {document} {year}, {section}", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="documents")
