"""Running an import: expand inputs, parse each file, publish everything or nothing.

Importers (one module per kind, in the domain packages) only parse and validate; this
module owns hashing, de-duplication, provenance records and the atomic publication, so
every kind behaves the same way when input is bad or repeated.

Open data goes to the warehouse. A kind whose rows belong in the database instead (a
partnership's youth justice records, say) has an importer with a ``store`` method: the
pipeline calls it once, with every file parsed and its new ``ImportRecord``, inside the
transaction that creates those records, so its rows and their provenance are stored
together or (on any error) not at all. See ADR 0003.
"""

from __future__ import annotations

import getpass
import importlib
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol, cast

from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.publishing import (
    CommittedImport,
    Publication,
    Recovery,
    StepCallback,
    recover,
    stop_point,
)
from saferplan.datastore.sources import SourceFile, csv_header, expand_sources
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
    # For a kind stored in the database: the parsed rows, handed back to its ``store``.
    payload: Any = None


# A file parsed: the source, what the importer made of it, when its parse began and ended.
ParsedFile = tuple[SourceFile, ParsedSource, datetime, datetime]


@dataclass
class StoreBatch:
    """What a database kind's ``store`` receives: each file parsed now with its new record."""

    files: list[tuple[Any, ParsedSource]]  # (ImportRecord, what its file held)
    skipped: list[tuple[str, Any]]  # files imported before: (name, earlier record or None)
    options: Mapping[str, Any]
    partnership: Any


class Importer(Protocol):
    kind: ClassVar[str]  # declared, with its help, in ``datastore.kinds``
    suffixes: ClassVar[tuple[str, ...]]
    # Optional, for telling a file of another kind apart (see refuse_other_kind):
    # ``describes`` ("a police.uk street-level crime file") and a static method
    # ``recognises(header) -> bool``, true for every file of the kind.

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
    storing: StepCallback | None = None,
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

    ``storing`` is told each step of storing in the warehouse (``publishing.StepCallback``).
    """
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.datastore.kinds import BY_KIND

    declared = BY_KIND.get(kind)
    if declared is not None and declared.restricted and partnership is None:
        raise SaferplanError(
            f"a {kind} import is a partnership's own data: say whose it is",
            hint="Name the partnership: --partnership NAME.",
        )
    with partnership_scope(partnership):
        return _run_import(
            kind, paths, options, user, progress, warehouse, prepare, partnership, storing
        )


def _run_import(
    kind: str,
    paths: Iterable[Path | str],
    options: Mapping[str, Any] | None,
    user: str | None,
    progress: ProgressCallback | None,
    warehouse: Warehouse | None,
    prepare: Callable[[], None] | None,
    partnership: Any,
    storing: StepCallback | None = None,
) -> ImportOutcome:
    user = user or _os_user()
    outcome = ImportOutcome()
    with ThreadPoolExecutor(max_workers=2) as workers:
        ready = workers.submit(prepare or (lambda: None))
        try:
            importer = _importer(kind)
            files = _parse_each(kind, importer, paths, options, progress, workers, ready.result,
                                outcome)  # fmt: skip
            if hasattr(importer, "store"):  # kept in the database: the warehouse is not touched
                parsed = list(files)
                ready.result()
                return _store_in_database(
                    importer, kind, parsed, outcome, options, user, partnership
                )
            _stream_to_warehouse(
                kind, files, warehouse or Warehouse(), user, outcome, partnership, storing
            )
            ready.result()
        except BaseException:
            ready.result()
            raise
    return outcome


def _stream_to_warehouse(
    kind: str,
    files: Iterator[ParsedFile],
    wh: Warehouse,
    user: str,
    outcome: ImportOutcome,
    partnership: Any,
    storing: StepCallback | None = None,
) -> None:
    """Stage each file's tables as soon as it is parsed, then publish all of them or none.

    Only one file's rows are held at a time, so memory does not grow with the archive. The
    lock is taken once the first file is parsed (its parse overlaps the command's start-up),
    and held, with the transaction, until every file is staged and placed.
    """
    first = next(files, None)
    if first is None:
        reconcile(wh, wait=False)  # e.g. a re-run after a crash that followed the commit
        return
    with wh.lock():
        recover(wh, _committed_imports)
        publication = Publication(wh, storing)
        try:
            records = _record_and_place(
                kind, itertools.chain([first], files), publication, user, outcome, partnership
            )
            stop_point("after-commit")
            if records:
                _publish_or_forget(publication, records)
        except BaseException:
            publication.discard()
            raise
        finally:
            publication.cleanup()


def _record_and_place(
    kind: str,
    parsed: Iterable[ParsedFile],
    publication: Publication,
    user: str,
    outcome: ImportOutcome,
    partnership: Any = None,
) -> list[Any]:
    """Stage each file as it comes, under an id taken for it, letting its rows go; then
    record every import and place its files in one short transaction, committed together.

    No transaction is open while files are parsed and staged (see ``record_ids``).
    """
    from django.db import transaction

    from saferplan.datastore.models import ImportRecord
    from saferplan.datastore.record_ids import reserve_import_id

    staged: list[tuple[ImportRecord, list[str], str]] = []
    for source, result, started, finished in parsed:
        uid = uuid.uuid4()
        record = _new_record(kind, source, result, started, finished, user, partnership)
        record.pk, record.uid = reserve_import_id(), uid
        entries = publication.add(record.pk, uid.hex, result.tables)
        result.tables = []
        staged.append((record, [e.file for e in entries], source.display_name))
        stop_point(f"staged-file-{len(staged)}")
    records = []
    with transaction.atomic():
        for record, files, name in staged:
            if ImportRecord.objects.filter(kind=kind, sha256=record.sha256).exists():
                # Imported by another process while we were parsing.
                outcome.skipped.append((name, None))
                publication.forget(record.pk)
                continue
            record.notes = {**record.notes, "files": files}
            record.save(force_insert=True)
            records.append(record)
        stop_point("staged")
        publication.place()
        stop_point("before-commit")
    outcome.imported.extend(records)
    return records


def _publish_or_forget(publication: Publication, records: list[Any]) -> None:
    """List the committed imports in the catalog; should that fail, delete their records.

    (Should deleting fail too, the next writer's recovery lists them: either way the
    catalog and the database agree.)
    """
    from django.db import transaction

    from saferplan.datastore.models import ImportRecord

    try:
        publication.publish()
    except BaseException:
        with transaction.atomic():
            ImportRecord.objects.filter(pk__in=[r.pk for r in records]).delete()
        raise


def reconcile(warehouse: Warehouse | None = None, *, wait: bool = True) -> Recovery | None:
    """Run crash recovery (see :func:`recover`); with ``wait=False`` only if no writer is busy.

    Requires Django to be set up.
    """
    wh = warehouse or Warehouse()
    if wait:
        with wh.lock():
            return recover(wh, _committed_imports)
    with wh.try_lock() as locked:
        return recover(wh, _committed_imports) if locked else None


def _committed_imports(uids: Collection[str]) -> list[CommittedImport]:
    """The imports the database has among ``uids``, whoever owns them: recovery of the
    warehouse is below every partnership's scope."""
    from saferplan.accounts.tenancy import across_partnerships

    wanted = [uuid.UUID(u) for u in uids]
    with across_partnerships():
        return _committed(wanted)


def _committed(wanted: list[uuid.UUID]) -> list[CommittedImport]:
    from saferplan.datastore.models import ImportRecord

    return [
        CommittedImport(pk, cast(uuid.UUID, uid).hex, list(notes.get("files", [])))
        for pk, uid, notes in ImportRecord.objects.filter(uid__in=wanted).values_list(
            "pk", "uid", "notes"
        )
    ]


def _store_in_database(
    importer: Any,
    kind: str,
    parsed: list[ParsedFile],
    outcome: ImportOutcome,
    options: Mapping[str, Any] | None,
    user: str,
    partnership: Any,
) -> ImportOutcome:
    """A database kind: its records and rows in one transaction, all or nothing."""
    if not parsed:
        return outcome
    from django.db import transaction

    from saferplan.datastore.models import ImportRecord

    with transaction.atomic():
        fresh = []
        for source, result, started, finished in parsed:
            if ImportRecord.objects.filter(kind=kind, sha256=source.sha256).exists():
                outcome.skipped.append((source.display_name, None))  # by another process
                continue
            record = _new_record(kind, source, result, started, finished, user, partnership)
            record.save(force_insert=True)
            fresh.append((record, result))
        if fresh:
            importer.store(StoreBatch(fresh, list(outcome.skipped), options or {}, partnership))
    outcome.imported += [record for record, _ in fresh]
    return outcome


def _new_record(
    kind: str,
    source: SourceFile,
    result: ParsedSource,
    started: datetime,
    finished: datetime,
    user: str,
    partnership: Any,
) -> Any:
    """The provenance of one parsed file, not yet saved."""
    from saferplan.datastore.models import ImportRecord

    return ImportRecord(
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


def _importer(kind: str) -> Importer:
    registry = importers()
    if kind not in registry:
        raise SaferplanError(
            f"unknown import kind '{kind}'", hint=f"Choose one of: {', '.join(registry)}."
        )
    return registry[kind]()


def _parse_each(
    kind: str,
    importer: Importer,
    paths: Iterable[Path | str],
    options: Mapping[str, Any] | None,
    progress: ProgressCallback | None,
    workers: ThreadPoolExecutor,
    wait_ready: Callable[[], object],
    outcome: ImportOutcome,
) -> Iterator[ParsedFile]:
    """Hash and parse each file not imported before, one at a time (``wait_ready`` before
    any query); files imported before go to ``outcome.skipped``."""
    registry = importers()
    options = options or {}
    report = progress or (lambda n: None)
    seen: set[str] = set()
    for source in expand_sources(paths, importer.suffixes):
        # Hashing a large file takes as long as parsing it and releases the GIL, so the
        # two run side by side; a file found to be imported already is then dropped.
        digest_job = workers.submit(lambda s=source: s.sha256)  # type: ignore[misc]
        early: ParsedSource | None = None
        started = datetime.now(UTC)
        if source.size >= CONCURRENT_HASH_BYTES:
            refuse_other_kind(kind, source, registry)
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
        if early is None:
            refuse_other_kind(kind, source, registry)
        result = early or importer.parse(source, options, report)
        early = None
        yield source, result, started, datetime.now(UTC)
        del result  # staged by now: not held while the next file is parsed


def refuse_other_kind(kind: str, source: SourceFile, registry: Mapping[str, Any]) -> None:
    """Refuse a CSV file that another kind's importer recognises and this one does not
    (a police.uk file given as ``mps`` should not be told to rename 'Context')."""
    header = csv_header(source)
    mine = getattr(registry[kind], "recognises", None)
    if header is None or mine is None or mine(header):
        return
    for other, importer in registry.items():
        recognises = getattr(importer, "recognises", None)
        if other != kind and recognises is not None and recognises(header):
            this = getattr(registry[kind], "describes", f"a {kind} file")
            raise InputError(
                source.display_name,
                f"this looks like {importer.describes}, not {this}",
                row=1,
                hint=f"Import it as that kind: saferplan import {other} FILE",
            )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
