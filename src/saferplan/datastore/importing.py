"""Running an import: expand inputs, parse each file, publish everything or nothing.

Importers (one module per kind, in the domain packages) only parse and validate; this
module owns hashing, de-duplication, provenance records and the atomic publication, so
every kind behaves the same way when input is bad or repeated.
"""

from __future__ import annotations

import getpass
import importlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from saferplan.core.errors import SaferplanError
from saferplan.datastore.sources import SourceFile, expand_sources
from saferplan.datastore.warehouse import StagedTable, Warehouse

# Files at least this large are parsed while their SHA-256 is computed.
CONCURRENT_HASH_BYTES = 32 << 20

# Called with the number of input bytes just processed, for progress bars.
ProgressCallback = Callable[[int], None]


@dataclass
class ParsedSource:
    """What an importer made of one file: rows for the warehouse and the counts to record."""

    tables: list[StagedTable]
    rows_read: int
    rows_kept: int
    rows_rejected: int = 0
    encoding: str = ""
    dataset_name: str = ""
    notes: dict[str, Any] = field(default_factory=dict)


class Importer(Protocol):
    kind: ClassVar[str]  # declared, with its help, in ``datastore.kinds``
    suffixes: ClassVar[tuple[str, ...]]

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        """Validate and convert one file; raise InputError naming file, row and column."""
        ...


_REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Class decorator: make an importer available as ``saferplan import <kind>``."""
    _REGISTRY[cls.kind] = cls
    return cls


def importers() -> dict[str, type[Importer]]:
    """Every declared kind's importer (``datastore.kinds``), its module loaded on demand,
    in the declared order; then any registered by other code (tests)."""
    from saferplan.datastore.kinds import KINDS

    for declared in KINDS:
        if declared.kind not in _REGISTRY:
            importlib.import_module(declared.module)
    declared_kinds = {k.kind: _REGISTRY[k.kind] for k in KINDS}
    return {**declared_kinds, **{k: v for k, v in _REGISTRY.items() if k not in declared_kinds}}


@dataclass
class ImportOutcome:
    imported: list[Any] = field(default_factory=list)  # ImportRecord
    skipped: list[tuple[str, Any]] = field(default_factory=list)  # (file, earlier record)


def run_import(
    kind: str,
    paths: Iterable[Path | str],
    *,
    options: Mapping[str, Any] | None = None,
    user: str | None = None,
    progress: ProgressCallback | None = None,
    warehouse: Warehouse | None = None,
    prepare: Callable[[], None] | None = None,
    partnership: Any = None,
) -> ImportOutcome:
    """Import every file under ``paths`` as ``kind``: all of them, or (on any error) none.

    A file whose content (SHA-256) was imported before as the same kind is skipped, so
    running the same import twice changes nothing. Requires Django to be set up, or
    ``prepare`` to set it up: it then runs in a worker thread while the first file is hashed
    and parsed (a command's start-up overlaps the work), and the database is only used once
    it has returned. Should both fail, its error is the one raised, as if it had run first.

    ``partnership`` owns a restricted import; without one the import is open data, shared
    by every partnership. Either way the pipeline works in that scope alone, so an open
    import never sees, nor is refused by, a partnership's records.
    """
    from saferplan.accounts.tenancy import partnership_scope

    with partnership_scope(partnership):
        return _run_import(kind, paths, options, user, progress, warehouse, prepare, partnership)


def _run_import(
    kind: str,
    paths: Iterable[Path | str],
    options: Mapping[str, Any] | None,
    user: str | None,
    progress: ProgressCallback | None,
    warehouse: Warehouse | None,
    prepare: Callable[[], None] | None,
    partnership: Any,
) -> ImportOutcome:
    user = user or _os_user()
    with ThreadPoolExecutor(max_workers=2) as workers:
        ready = workers.submit(prepare or (lambda: None))
        try:
            outcome, parsed = _parse_all(kind, paths, options, progress, workers, ready.result)
            ready.result()
        except BaseException:
            ready.result()
            raise
    wh = warehouse or Warehouse()
    if not parsed:
        return outcome

    from django.db import transaction

    from saferplan.datastore.models import ImportRecord

    with wh.lock():
        publication = wh.begin()
        try:
            with transaction.atomic():
                for source, result, started, finished in parsed:
                    if ImportRecord.objects.filter(kind=kind, sha256=source.sha256).exists():
                        # Imported by another process while we were parsing.
                        outcome.skipped.append((source.display_name, None))
                        continue
                    record = ImportRecord.objects.create(
                        partnership=partnership,
                        kind=kind,
                        file_name=source.name,
                        container=source.container or "",
                        sha256=source.sha256,
                        size_bytes=source.size,
                        encoding=result.encoding,
                        rows_read=result.rows_read,
                        rows_kept=result.rows_kept,
                        rows_rejected=result.rows_rejected,
                        dataset_name=result.dataset_name,
                        notes=result.notes,
                        imported_by=user,
                        started_at=started,
                        finished_at=finished,
                    )
                    entries = publication.add(record.pk, result.tables)
                    record.notes = {**record.notes, "files": [e.file for e in entries]}
                    record.save(update_fields=["notes"])
                    outcome.imported.append(record)
                publication.commit()
        except BaseException:
            publication.rollback()
            raise
        finally:
            publication.cleanup()
    return outcome


def _parse_all(
    kind: str,
    paths: Iterable[Path | str],
    options: Mapping[str, Any] | None,
    progress: ProgressCallback | None,
    workers: ThreadPoolExecutor,
    wait_ready: Callable[[], object],
) -> tuple[ImportOutcome, list[tuple[SourceFile, ParsedSource, datetime, datetime]]]:
    """Hash and parse every file not imported before (``wait_ready`` before any query)."""
    registry = importers()
    if kind not in registry:
        raise SaferplanError(
            f"unknown import kind '{kind}'", hint=f"Choose one of: {', '.join(registry)}."
        )
    importer = registry[kind]()
    options = options or {}
    report = progress or (lambda n: None)
    outcome = ImportOutcome()
    parsed: list[tuple[SourceFile, ParsedSource, datetime, datetime]] = []
    seen: set[str] = set()
    for source in expand_sources(paths, importer.suffixes):
        # Hashing a large file takes as long as parsing it and releases the GIL, so the
        # two run side by side; a file found to be imported already is then dropped.
        digest_job = workers.submit(lambda s=source: s.sha256)  # type: ignore[misc]
        early: ParsedSource | None = None
        started = datetime.now(UTC)
        if source.size >= CONCURRENT_HASH_BYTES:
            early = importer.parse(source, options, report)
        digest = digest_job.result()
        wait_ready()
        from saferplan.datastore.models import ImportRecord

        earlier = ImportRecord.objects.filter(kind=kind, sha256=digest).first()
        if earlier is not None or digest in seen:
            outcome.skipped.append((source.display_name, earlier))
            if early is None:
                report(source.size)
            continue
        seen.add(digest)
        result = early or importer.parse(source, options, report)
        parsed.append((source, result, started, datetime.now(UTC)))
    return outcome, parsed


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
