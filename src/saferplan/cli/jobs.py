"""``saferplan worker`` runs background jobs; ``saferplan jobs`` lists, shows and cancels them.

These are for administrators: they see every partnership's jobs unless told one.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from saferplan.cli.output import console, friendly_errors

app = typer.Typer(
    help="Background jobs (imports, document builds): list, show, cancel.", no_args_is_help=True
)


def _setup() -> None:
    from saferplan.site.bootstrap import setup_django

    setup_django()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def worker_command(
    concurrency: Annotated[
        int, typer.Option(help="Jobs run at once, one worker process each (PostgreSQL only).")
    ] = 1,
    parent: Annotated[int | None, typer.Option(hidden=True)] = None,  # stop when it ends
) -> None:
    """Run queued background jobs until stopped (Ctrl-C); run more on other machines."""
    with friendly_errors():
        _setup()
        from saferplan.jobs import monitor, worker

        monitor.heartbeat_interval(), monitor.lost_after()  # a bad setting fails here
        worker.check_concurrency(concurrency)
    logging.getLogger("saferplan.jobs").setLevel(logging.INFO)
    if concurrency == 1:
        worker.run(parent=parent)
        return
    from saferplan.jobs.supervisor import Child, supervise

    command = [sys.executable, "-m", "saferplan", "worker", "--parent", str(os.getpid())]
    children = [Child(f"worker {i + 1}", command, restart=True) for i in range(concurrency)]
    raise typer.Exit(supervise(children))


@app.command("list")
def list_command(
    partnership: Annotated[
        str | None, typer.Option(help="Only this partnership's jobs.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="The most recent this many.")] = 50,
) -> None:
    """Jobs, newest first: kind, whose, who asked, state and progress."""
    from rich.table import Table

    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import across_partnerships, find_partnership
        from saferplan.jobs.models import Job

        with across_partnerships():
            jobs = Job.objects.select_related("partnership")
            if partnership is not None:
                jobs = jobs.filter(partnership=find_partnership(partnership))
            rows = list(jobs[:limit])
    grid = Table("#", "kind", "partnership", "asked by", "state", "phase", "%", "rows", "queued")
    for job in rows:
        grid.add_row(
            str(job.pk),
            escape(job.kind),
            escape(job.partnership.name) if job.partnership else "(open data)",
            escape(job.requested_by),
            job.state + (" (cancelling)" if _cancelling(job) else ""),
            escape(job.phase),
            f"{job.percent:.0f}" if job.percent is not None else "",
            f"{job.rows:,}" if job.rows is not None else "",
            job.queued_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
    console.print(grid)


def _cancelling(job: Any) -> bool:
    return job.cancel_requested_at is not None and job.state == "running"


@app.command("show")
def show_command(job_id: Annotated[int, typer.Argument(help="The job's number.")]) -> None:
    """One job: its state, progress, times, result or error, and its log."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import across_partnerships
        from saferplan.jobs.queue import find, status

        with across_partnerships():
            job = find(job_id)
            found = status(job)
    for key in ("id", "label", "partnership", "requested_by", "state", "phase", "percent",
                "rows", "queued_at", "started_at", "finished_at", "error", "result"):  # fmt: skip
        if found[key] is not None and found[key] != "":
            console.print(f"[bold]{key}:[/] {escape(str(found[key]))}", highlight=False)
    for line in found["log"]:
        console.print(f"  {line['at']}  {escape(line['line'])}", highlight=False)
    if job.traceback:
        console.print(escape(job.traceback), highlight=False)


@app.command("cancel")
def cancel_command(job_id: Annotated[int, typer.Argument(help="The job's number.")]) -> None:
    """Cancel a job: a queued one at once, a running one at its next progress report."""
    with friendly_errors():
        _setup()
        from saferplan.accounts.tenancy import across_partnerships
        from saferplan.jobs.queue import cancel

        with across_partnerships():
            job = cancel(job_id, by=_os_user())
    if job.state == "cancelled":
        console.print(f"Job #{job.pk} is cancelled")
    else:
        console.print(f"Job #{job.pk} will stop at its next progress report")


def register(root: typer.Typer) -> None:
    root.command("worker")(worker_command)
    root.add_typer(app, name="jobs")
