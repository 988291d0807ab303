"""``saferplan uploads clean``: delete the web app's uploads that nobody confirmed or
cancelled, once they are old (the worker does the same as part of its housekeeping)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from saferplan.cli.output import console, friendly_errors

app = typer.Typer(help="Files uploaded in the web app and not yet imported.", no_args_is_help=True)


@app.command()
def clean(
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than",
            min=0,
            metavar="HOURS",
            help="Delete uploads kept longer than this (default: SAFERPLAN_UPLOAD_KEEP_HOURS, 24).",
        ),
    ] = None,
) -> None:
    """Delete uploads older than the time they are kept for that no queued or running job
    is importing; print each one deleted."""
    with friendly_errors():
        from saferplan.site.bootstrap import setup_django

        setup_django()
        from saferplan.web.upload_expiry import clean as clean_uploads
        from saferplan.web.upload_expiry import keep_hours

        hours = keep_hours() if older_than is None else older_than
        removed = clean_uploads(hours)
        for upload in removed:
            files = ", ".join(upload.files) or "no files"
            console.print(
                f"Deleted {escape(upload.name)} ({escape(files)}), "
                f"uploaded {upload.kept_at:%Y-%m-%d %H:%M} UTC"
            )
        console.print(f"{len(removed)} upload(s) older than {hours:g} hours deleted.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="uploads")
