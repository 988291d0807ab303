"""``saferplan import KIND FILES...`` and ``saferplan imports`` (the provenance list)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from saferplan import config
from saferplan.cli import options
from saferplan.cli.output import console, exiting_soon, friendly_errors, labelled, plain
from saferplan.core.csvcheck import listing_of
from saferplan.datastore.kinds import kinds_help


def _input_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        elif path.exists():
            total += path.stat().st_size
    return total


@contextmanager
def _progress_bar(kind: str, files: list[Path]) -> Iterator[Callable[[int], None]]:
    """A progress bar, advanced by input bytes, on a terminal or with SAFERPLAN_PROGRESS set.

    Elsewhere (scripts, pipes) there is none, and Rich's progress module is not even loaded.
    """
    if not console.is_terminal and not config.get("SAFERPLAN_PROGRESS"):
        yield lambda n: None
        return
    from rich.progress import DownloadColumn, Progress, TimeRemainingColumn

    columns = (*Progress.get_default_columns()[:-1], DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"Importing {kind}", total=_input_size(files) or None)
        yield lambda n: bar.advance(task, n)


def import_command(
    kind: Annotated[str, typer.Argument(help=kinds_help(), show_default=False)],
    files: Annotated[
        list[Path], typer.Argument(help="Files, folders or zip archives.", show_default=False)
    ],
    name: Annotated[
        str | None, typer.Option(help="Name of the population set or boundary set.")
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Year the data refers to, where not in the file.")
    ] = None,
    level: Annotated[
        str | None, typer.Option(help="Area level: borough, ward or lsoa (where not in the file).")
    ] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of coordinates without one, e.g. EPSG:4326.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(help="Crime category of an LSOA annual file (default: from its name)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Publisher of the data, recorded as provenance.")
    ] = None,
    partnership: options.Partnership = None,
    vintage: Annotated[
        str | None,
        typer.Option(help="Year of the wards a ward file, lookup or boundary file is on."),
    ] = None,
) -> None:
    """Import data files: all of them, or, on any error, none. Open data goes to the shared
    warehouse; a partnership's own data (youth justice, series) to it, with --partnership."""
    with exiting_soon():
        _import(kind, files, name, year, level, crs, category, source, partnership, vintage)


def _import(
    kind: str,
    files: list[Path],
    name: str | None,
    year: int | None,
    level: str | None,
    crs: str | None,
    category: str | None,
    source: str | None,
    partnership: str | None = None,
    vintage: str | None = None,
) -> None:
    # An import does no linear algebra, but numpy (loaded by pyarrow) starts OpenBLAS's
    # threads, which spin for ~0.08 s of the CPU time the parse needs.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from saferplan.datastore.sources import read_ahead

    read_ahead(files)  # the files are hashed while pyarrow and Django load
    from saferplan.site.bootstrap import setup_django

    options: dict[str, Any] = {
        k: v
        for k, v in {
            "name": name,
            "year": year,
            "level": level,
            "crs": crs,
            "category": category,
            "source": source,
            "vintage": vintage,
        }.items()
        if v is not None
    }

    def prepare() -> None:
        # Run by run_import in a worker thread while it reads the files.
        setup_django()
        from django.db import connections

        connections.close_all()  # this thread's only: the import uses the main thread's

    with friendly_errors(), _progress_bar(kind, files) as progress:
        outcome = _run(kind, files, options, progress, prepare, partnership)
    # File names come from archives and folders as they are: printed as plain text.
    for record in outcome.imported:
        ignored = record.notes.get("ignored_columns") or []
        console.print(
            labelled(
                "Imported", "green", f" {record.file_name}: {record.rows_kept:,} rows kept "
                f"of {record.rows_read:,} read ({record.rows_rejected:,} rejected) "
                f"as import #{record.pk}"
                + (f"; ignored the columns {listing_of(ignored)}" if ignored else ""),
            ),
            highlight=False,
            soft_wrap=True,
        )  # fmt: skip
    for file_name, earlier in outcome.skipped:
        already = f" as import #{earlier.pk}" if earlier is not None else ""
        console.print(
            labelled("Skipped", "yellow", f" {file_name}: already imported{already}"),
            highlight=False,
            soft_wrap=True,
        )


def _run(
    kind: str,
    files: list[Path],
    options: dict[str, Any],
    progress: Callable[[int], None],
    prepare: Callable[[], None],
    partnership: str | None,
) -> Any:
    from saferplan.datastore.importing import run_import

    if not _restricted(kind, partnership):
        # Crime, population and geography are open data, shared by every partnership.
        return run_import(kind, files, options=options, progress=progress, prepare=prepare)
    from saferplan.accounts.tenancy import cli_partnership
    from saferplan.site.bootstrap import setup_django

    setup_django()  # the partnership is looked up before the files are read
    with cli_partnership(partnership) as owner:
        return run_import(kind, files, options=options, progress=progress, partnership=owner)


def _restricted(kind: str, partnership: str | None) -> bool:
    """Whether ``kind`` is a partnership's own data; open data takes no --partnership."""
    from saferplan.core.errors import SaferplanError
    from saferplan.datastore.kinds import BY_KIND

    declared = BY_KIND.get(kind)
    restricted = declared is not None and declared.restricted
    if partnership is not None and not restricted:
        raise SaferplanError(
            f"{kind} is open data, shared by every partnership: it belongs to none",
            hint="Import it without --partnership.",
        )
    return restricted


def imports_command(partnership: options.Partnership = None) -> None:
    """List every import with its provenance (file, SHA-256, rows, when and by whom): the
    open data everyone shares, and the partnership's own restricted imports."""
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from rich.table import Table

    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import cli_partnership, open_data_scope
    from saferplan.datastore.importing import reconcile
    from saferplan.datastore.models import ImportRecord

    with friendly_errors():
        reconcile(wait=False)  # an import a crash left unlisted is listed before it is shown

    table = Table("#", "kind", "file", "sha256", "read", "kept", "rejected", "when", "by", "whose")
    with friendly_errors():
        scope = (
            cli_partnership(partnership)
            if partnership is not None or Partnership.objects.exists()
            else open_data_scope()
        )
        with scope:
            records = list(ImportRecord.objects.select_related("partnership"))
    for r in records:
        table.add_row(
            str(r.pk),
            plain(r.kind),
            plain(r.file_name),
            r.sha256[:12],
            f"{r.rows_read:,}",
            f"{r.rows_kept:,}",
            f"{r.rows_rejected:,}",
            r.finished_at.strftime("%Y-%m-%d %H:%M"),
            plain(r.imported_by),
            "open data" if r.partnership_id is None else plain(str(r.partnership)),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("imports")(imports_command)
