"""``saferplan serve``: the web app behind gunicorn (static files by whitenoise), and a
background-jobs worker beside it; both stop together."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Annotated

import typer

from saferplan.cli.output import console, err_console, friendly_errors


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web server processes.")] = 2,
    threads: Annotated[int, typer.Option(help="Threads in each web server process.")] = 4,
    worker_nice: Annotated[
        int,
        typer.Option(
            min=0,
            max=19,
            help="How much lower the jobs worker's CPU priority is than the web server's "
            "(nice), so pages stay quick while an import or a build runs.",
        ),
    ] = 10,
    jobs: Annotated[
        bool,
        typer.Option(
            help="Run a background-jobs worker beside it (--no-jobs: workers run elsewhere)."
        ),
    ] = True,
    allow_demo_accounts: Annotated[
        bool,
        typer.Option(help="Listen beyond this machine although demo accounts can sign in."),
    ] = False,
) -> None:
    """Serve the web app (gunicorn) on http://HOST:PORT, with a background-jobs worker."""
    from django.core.management import call_command

    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        _check_demo_accounts(host, allow_demo_accounts)
        call_command("collectstatic", interactive=False, verbosity=0)
    console.print(
        f"saferplan is at [bold]http://{host}:{port}/[/] (Ctrl-C stops it)", highlight=False
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplan.site.settings")
    from saferplan.jobs.supervisor import Child, supervise

    # Each a child of this process, stopped with it: Ctrl-C (or SIGTERM) stops both.
    children = [Child("web server", _gunicorn(host, port, workers, threads))]
    if jobs:
        worker = [sys.executable, "-m", "saferplan", "worker", "--parent", str(os.getpid())]
        children.append(Child("jobs worker", _niced(worker, worker_nice), restart=True))
    raise typer.Exit(supervise(children))


GUNICORN_GRACE = 10  # seconds gunicorn gives its web workers to finish requests at a stop
GUNICORN_HOOKS = "saferplan.site.gunicorn_hooks"  # web workers leave Ctrl-C to their master


def _gunicorn(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "saferplan.site.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        # Within the supervisor's STOP_GRACE, so gunicorn stops its own web workers rather
        # than being killed first and leaving them behind (its default is 30 s).
        "--graceful-timeout",
        str(GUNICORN_GRACE),
        "--config",
        f"python:{GUNICORN_HOOKS}",
        "--access-logfile",
        "-",
    ]


def _niced(command: list[str], nice: int) -> list[str]:
    """``command`` at a lower CPU priority, through nice(1) where the system has it; nice
    replaces itself with the command (exec), so the supervisor's signals reach the worker."""
    found = shutil.which("nice")
    return [found, "-n", str(nice), *command] if found and nice else command


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def _check_demo_accounts(host: str, allowed: bool) -> None:
    """The demo's password is public: never serve its accounts to the network unasked."""
    from saferplan.accounts.demo_accounts import active_demo_accounts
    from saferplan.core.errors import SaferplanError

    demo = active_demo_accounts()
    if not demo:
        return
    names = ", ".join(demo)
    if host not in LOOPBACK and not allowed:
        raise SaferplanError(
            f"the demo accounts ({names}) can still sign in with the published demo "
            f"password, so saferplan will not listen on {host}",
            hint="Add real users (saferplan accounts user ...: the demo accounts are then "
            "deactivated), deactivate them (saferplan accounts deactivate NAME), or pass "
            "--allow-demo-accounts.",
        )
    err_console.print(
        f"[yellow]Warning:[/] the demo accounts ({names}) sign in with the published demo "
        "password: for trying saferplan out on this machine only.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
