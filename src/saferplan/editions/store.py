"""Keeping built documents as editions, and reading their files back only while unchanged.

An edition's files are copied into ``<data dir>/editions/<partnership id>/<edition id>/``
and made read-only (files 0400, folder 0500); their SHA-256 is recorded with the edition.
Keeping is all or nothing: the files are copied and sealed in a hidden staging folder,
which is renamed into place inside the transaction that records the edition, and removed
if anything fails. Every read re-computes the hash and refuses a file that changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan import config
from saferplan.accounts import audit
from saferplan.accounts.tenancy import require_partnership
from saferplan.core.errors import SaferplanError
from saferplan.editions.models import Document, Edition, EditionFile, Variant

log = logging.getLogger(__name__)

FILE_MODE = 0o400
FOLDER_MODE = 0o500
PRIVATE_FOLDER_MODE = 0o700
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class Build:
    """What a build made and what it was made from, to be kept as an edition."""

    document: str
    period: str
    edition: str
    title: str
    imports: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    check_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Alteration:
    """A file of an edition that no longer has the SHA-256 recorded when it was made."""

    name: str
    expected: str | None  # None: a file that was never part of the edition
    found: str | None  # None: the file is missing

    def describe(self) -> str:
        if self.expected is None:
            return f"{self.name} was added to the edition's folder after it was made"
        if self.found is None:
            return f"{self.name} is missing (its SHA-256 was {self.expected})"
        return f"{self.name} has changed: its SHA-256 was {self.expected}, it is now {self.found}"


class AlteredFileError(SaferplanError):
    """A file of an edition changed after it was made: it is refused, never served."""

    def __init__(self, edition: Edition, alteration: Alteration) -> None:
        self.edition = edition
        self.alteration = alteration
        super().__init__(
            f"edition {edition.pk} ({edition.title}): {alteration.describe()}",
            hint="An edition's files never change once made: restore the file from a backup "
            "of the data directory, or build the document again as a new edition.",
        )


def editions_root() -> Path:
    path = config.data_dir() / "editions"
    path.mkdir(mode=PRIVATE_FOLDER_MODE, exist_ok=True)
    return path


def folder_of(edition: Edition) -> Path:
    return editions_root() / str(edition.partnership_id) / str(edition.pk)


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def keep_edition(build: Build, files: Sequence[Path], user: Any = None) -> Edition:
    """Keep ``files`` as a new edition of the partnership in scope (``user`` None: the CLI).

    A failure at any step leaves no edition and no files.
    """
    partnership = require_partnership()
    _check_build(build, files)
    parent = editions_root() / str(partnership.pk)
    parent.mkdir(mode=PRIVATE_FOLDER_MODE, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".keeping-", dir=parent))
    final, renamed, committed = parent, False, []
    try:
        kept = [_copy(source, staging) for source in files]
        with transaction.atomic():
            edition = _record(build, partnership, kept, user)
            final = parent / str(edition.pk)
            _set_aside(final)
            _seal(staging)
            staging.rename(final)
            renamed = True
            transaction.on_commit(lambda: committed.append(True))
        return edition
    except BaseException:
        # Renamed into place but never committed: the folder at ``final`` is ours to remove.
        # (Committed, then another on-commit hook failed: the edition stands, files too.)
        if not renamed:
            _remove(staging)
        elif not committed:
            _remove(final)
        raise


def _check_build(build: Build, files: Sequence[Path]) -> None:
    if build.document not in Document.values:
        raise SaferplanError(f"unknown document '{build.document}'")
    if build.edition not in Variant.values:
        raise SaferplanError(f"unknown edition '{build.edition}'")
    if not files:
        raise SaferplanError("an edition needs at least one file")
    names = [path.name for path in files]
    if len(set(names)) != len(names):
        raise SaferplanError("two files of an edition have the same name: " + ", ".join(names))
    for path in files:
        if path.name.startswith(".") or not path.is_file():
            raise SaferplanError(f"{path}: not a file that can be kept in an edition")


@dataclass(frozen=True)
class _Kept:
    name: str
    sha256: str
    size_bytes: int


def _copy(source: Path, folder: Path) -> _Kept:
    """Copy a file and hash the copy (what is kept is what is hashed), on disk for good."""
    target = folder / source.name
    shutil.copyfile(source, target)
    with target.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
        os.fsync(f.fileno())
    return _Kept(source.name, digest, target.stat().st_size)


def _record(build: Build, partnership: Any, kept: list[_Kept], user: Any) -> Edition:
    signed_in = getattr(user, "is_authenticated", False)
    edition = Edition.objects.create(
        partnership=partnership,
        document=build.document,
        period=build.period,
        edition=build.edition,
        title=build.title,
        built_by=user if signed_in else None,
        built_by_name=user.get_username() if signed_in else audit.cli_actor(),
        imports=build.imports,
        parameters=build.parameters,
        check_passed=not build.check_problems,
        check_problems=build.check_problems,
    )
    EditionFile.objects.bulk_create(
        EditionFile(edition=edition, name=k.name, sha256=k.sha256, size_bytes=k.size_bytes,
                    content_type=content_type_of(k.name))
        for k in kept
    )  # fmt: skip
    audit.record(user, "created", edition, summary=f"Kept {edition}"[:300])
    return edition


def _seal(folder: Path) -> None:
    for path in folder.iterdir():
        path.chmod(FILE_MODE)
    folder.chmod(FOLDER_MODE)


def _set_aside(final: Path) -> None:
    """A folder already at a brand-new edition's place is left from a build that never
    committed (interrupted, or a database restored from backup): keep it, out of the way."""
    if not final.exists():
        return
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = final.with_name(f".set-aside-{final.name}-{stamp}-{os.urandom(3).hex()}")
    final.rename(aside)
    log.warning("%s has no edition recorded for it: set aside as %s", final, aside)


def _remove(folder: Path) -> None:
    if folder.exists():
        folder.chmod(PRIVATE_FOLDER_MODE)
        shutil.rmtree(folder)


def read_file(file: EditionFile) -> bytes:
    """The file's content, only if it still has the SHA-256 recorded when it was made.

    Read once and hashed in memory, so what is checked is exactly what is served.
    """
    path = folder_of(file.edition) / file.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AlteredFileError(file.edition, Alteration(file.name, file.sha256, None)) from None
    found = hashlib.sha256(data).hexdigest()
    if found != file.sha256:
        raise AlteredFileError(file.edition, Alteration(file.name, file.sha256, found))
    return data


def verify(edition: Edition) -> list[Alteration]:
    """Every file of the edition whose content is no longer what was kept (none: intact)."""
    folder = folder_of(edition)
    recorded = {f.name: f.sha256 for f in edition.files.all()}
    problems = []
    for name, expected in sorted(recorded.items()):
        path = folder / name
        found = sha256_of(path) if path.is_file() else None
        if found != expected:
            problems.append(Alteration(name, expected, found))
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name not in recorded:
                found = sha256_of(path) if path.is_file() else None
                problems.append(Alteration(path.name, None, found))
    return problems
