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

import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from saferplan import config
from saferplan.core.errors import InputError

REFUSAL = "saferplan_upload_refused"  # the request attribute saying why an upload stopped
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


def uploads_dir() -> Path:
    return config.data_dir() / "uploads"


def keep(files: list[UploadedFile]) -> KeptUpload:
    """Save the files in a new folder of the data directory, named by the server."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = uploads_dir() / f"{stamp}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True, mode=0o700)
    paths = []
    try:
        for upload in files:
            target = folder / clean_name(upload.name or "")
            assert target.parent == folder  # a cleaned name is a base name
            _save(upload, target)
            paths.append(target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return KeptUpload(folder, paths)


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
