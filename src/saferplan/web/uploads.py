"""Files uploaded for an import: bounded as they arrive, checked, then kept in the data directory.

Every upload is limited per file and per request (``settings.UPLOAD_MAX_FILE_BYTES`` and
``UPLOAD_MAX_REQUEST_BYTES``, from ``SAFERPLAN_UPLOAD_MAX_FILE_MB`` and ``..._REQUEST_MB``):
:class:`LimitedUploadHandler` counts the bytes as Django parses the request and stops
taking them at the first byte past a limit, saying why on the request, so the page can
refuse with a message. A zip is opened before it is kept: a member whose name would lead
outside its folder, or that declares it inflates past the import limits, is refused.
Accepted files go to a new folder of ``<data>/uploads/`` named by the server; each file
keeps only a cleaned form of its base name (importers read some names, e.g. a youth
justice extract's ``children.csv``), never a path the browser sent.
"""

from __future__ import annotations

import hashlib
import queue
import re
import secrets
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)

from saferplan import config
from saferplan.core.errors import InputError

REFUSAL = "saferplan_upload_refused"  # the request attribute saying why an upload stopped
# Every upload handler reads the request in pieces of this size (Django takes the smallest
# handler's): its own 64 KiB made the parsing of a 450 MB upload take four times as long.
CHUNK_BYTES = 1 << 20
HASH_BACKLOG = 32  # chunks waiting to be hashed, at most (so memory stays bounded)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
NAME_LIMIT = 120


def mebibytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


class LimitedUploadHandler(FileUploadHandler):
    """Stop taking an upload at the first byte past the per-file or per-request limit.

    Django then reads the rest of the request without keeping it, and the view finds the
    reason in ``request.saferplan_upload_refused``. Fields sent before the files (the CSRF
    token, the kind) are still read, so the refusal is shown on the form.
    """

    chunk_size = CHUNK_BYTES

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.total = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if start + len(raw_data) > settings.UPLOAD_MAX_FILE_BYTES:
            self._refuse(
                f"{self.file_name} is larger than {mebibytes(settings.UPLOAD_MAX_FILE_BYTES)}, "
                "the most one file may be"
            )
        if self.total > settings.UPLOAD_MAX_REQUEST_BYTES:
            self._refuse(
                "The files come to more than "
                f"{mebibytes(settings.UPLOAD_MAX_REQUEST_BYTES)}, the most one upload may "
                "hold: upload them a few at a time"
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file

    def _refuse(self, why: str) -> None:
        if self.request is not None:
            setattr(self.request, REFUSAL, why)
        raise StopUpload(connection_reset=False)


class SmallUploadHandler(MemoryFileUploadHandler):
    """Django's: a small request's files kept in memory, read in the same large pieces."""

    chunk_size = CHUNK_BYTES


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary file in the data directory, hashed (SHA-256) as it arrives, on a
    thread of its own so that hashing runs beside the parsing of the request: the import
    need not read the whole file once more to hash it (see ``keep``)."""

    chunk_size = CHUNK_BYTES

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.hashing = BackgroundHash()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.hashing.update(raw_data)
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        self.file.sha256 = self.hashing.hexdigest()  # type: ignore[attr-defined]
        return super().file_complete(file_size)

    def upload_complete(self) -> None:
        """The request is parsed, or was stopped part way (a limit): no hashing goes on."""
        if hasattr(self, "hashing"):
            self.hashing.abandon()


class BackgroundHash:
    """SHA-256 of the chunks given, computed on a thread (hashlib releases the GIL)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=HASH_BACKLOG)
        self._ending = False
        self._thread = threading.Thread(target=self._run, name="upload-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            self._digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def hexdigest(self) -> str:
        self.abandon()
        self._thread.join()
        return self._digest.hexdigest()

    def abandon(self) -> None:
        """Let the thread end once it has hashed what it was given (once is enough)."""
        if self._thread.is_alive() and not self._ending:
            self._ending = True
            self._chunks.put(None)


def refusal(request: Any) -> str | None:
    """Why the request's upload was stopped, if it was."""
    return getattr(request, REFUSAL, None)


def clean_name(name: str) -> str:
    """A file's base name as kept: no folders, only letters, digits, '.', '_' and '-'."""
    base = PureWindowsPath(PurePosixPath(name).name).name  # whatever the browser's separator
    cleaned = _UNSAFE.sub("_", base).lstrip(".") or "file"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[: NAME_LIMIT - len(suffix) - 1]}.{suffix}"
    return cleaned[:NAME_LIMIT]


def check_zip(upload: UploadedFile) -> None:
    """Refuse a zip with a member named outside its folder, or declaring too much data."""
    from saferplan.datastore.sources import check_archive

    name = clean_name(upload.name or "")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            for info in archive.infolist():
                if _escapes(info.filename):
                    raise InputError(
                        name,
                        f"the archive member '{info.filename[:80]}' is named outside the "
                        "archive's folder: refused",
                        hint="Make the archive again from the folder its files are in.",
                    )
            check_archive(name, archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(name, f"not a readable zip archive ({exc})") from exc
    finally:
        upload.seek(0)


def _escapes(member: str) -> bool:
    """Whether a member's name is absolute, or climbs out with '..', on any system."""
    parts = re.split(r"[\\/]+", member)
    return (
        member.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", member)) or (".." in parts)
    )


@dataclass(frozen=True)
class KeptUpload:
    folder: Path
    paths: list[Path]
    # SHA-256 of each file hashed as it arrived, with the size and modification time it was
    # kept with: an import may use the digest while the file's are still those.
    digests: dict[str, dict[str, Any]] = field(default_factory=dict)


def uploads_dir() -> Path:
    return config.data_dir() / "uploads"


def keep(files: list[UploadedFile]) -> KeptUpload:
    """Save the files in a new folder of the data directory, named by the server."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = uploads_dir() / f"{stamp}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True, mode=0o700)
    paths = []
    digests = {}
    try:
        for upload in files:
            target = folder / clean_name(upload.name or "")
            assert target.parent == folder  # a cleaned name is a base name
            _save(upload, target)
            paths.append(target)
            sha256 = getattr(upload, "sha256", None)
            if sha256 is not None:
                kept = target.stat()
                digests[str(target)] = {"sha256": sha256, "size": kept.st_size,
                                        "mtime_ns": kept.st_mtime_ns}  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return KeptUpload(folder, paths, digests)


def _save(upload: UploadedFile, target: Path) -> None:
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:  # large: already on disk in the data directory, so move it
        if upload.file is not None:
            upload.file.flush()
        shutil.move(temporary(), target)
        return
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def shown_name(name: str | None) -> str:
    """A file name as people read it: an uploaded file by its own name, not its folder."""
    if not name:
        return ""
    root = str(uploads_dir()) + "/"
    if name.startswith(root):
        rest = name[len(root) :]
        return rest.split("/", 1)[1] if "/" in rest else rest
    return name
