"""``saferplan serve``: the web app behind gunicorn, static files by whitenoise."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from saferplan.cli.output import console, friendly_errors


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
) -> None:
    """Serve the web app (gunicorn) on http://HOST:PORT."""
    from django.core.management import call_command

    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        call_command("collectstatic", interactive=False, verbosity=0)
    console.print(
        f"saferplan is at [bold]http://{host}:{port}/[/] (Ctrl-C stops it)", highlight=False
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplan.site.settings")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "saferplan.site.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
    ]
    os.execv(sys.executable, args)  # noqa: S606 - replaces this process with gunicorn


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
