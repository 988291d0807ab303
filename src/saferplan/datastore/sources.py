"""Input files as importers see them: expanded from folders and zip archives, hashed, decoded.

Every member of a zip archive or folder is its own source with its own SHA-256, so the same
month's file imported loose and later inside an archive is recognised as already imported.
"""

from __future__ import annotations

import hashlib
import mmap
import threading
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from saferplan.core.errors import InputError

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceFile:
    """One input file's bytes, its display name and where it came from."""

    name: str
    data: bytes | mmap.mmap = field(repr=False)  # large files are memory-mapped, not copied
    container: str | None = None
    # The digest, when read_ahead started computing it before the import began.
    digest_ahead: Future[str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def sha256(self) -> str:
        if self.digest_ahead is not None:
            return self.digest_ahead.result()
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def display_name(self) -> str:
        return f"{self.container}:{self.name}" if self.container else self.name


def _matches(path: str, suffixes: tuple[str, ...]) -> bool:
    lowered = path.lower()
    return any(lowered.endswith(s) for s in suffixes)


def expand_sources(
    paths: Iterable[Path | str], suffixes: tuple[str, ...] = (".csv",)
) -> Iterator[SourceFile]:
    """Yield every importable file under ``paths``: files, folders (recursively) and zips.

    Files are yielded in sorted order within a folder or archive so imports are repeatable.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and _matches(p.name, (*suffixes, ".zip"))
            )
            if not found:
                raise InputError(
                    str(path), f"the folder holds no {' or '.join(suffixes)} or .zip files"
                )
            yield from expand_sources(found, suffixes)
        elif path.suffix.lower() == ".zip" and ".zip" not in suffixes:
            yield from _zip_members(path, suffixes)
        else:
            ahead = _AHEAD.pop(str(path), None)
            yield ahead or SourceFile(name=str(path), data=_file_bytes(path))


MAP_THRESHOLD = 16 << 20

_AHEAD: dict[str, SourceFile] = {}


def read_ahead(paths: Iterable[Path | str]) -> None:
    """Map the large files among ``paths`` and start hashing each on a background thread.

    For a command about to import them: hashing releases the GIL, so it runs while the
    command is still loading its libraries; expand_sources then yields these very sources
    (the same bytes, their digest computed or on its way). Folders and archives are left.
    """
    for raw in paths:
        path = Path(raw)
        try:
            if not path.is_file() or path.suffix.lower() == ".zip":
                continue
            if path.stat().st_size < MAP_THRESHOLD:
                continue
            data = _file_bytes(path)
        except OSError:
            continue  # expand_sources reports it, as for any file
        digest: Future[str] = Future()

        def compute(data: bytes | mmap.mmap = data, digest: Future[str] = digest) -> None:
            try:
                digest.set_result(hashlib.sha256(data).hexdigest())
            except BaseException as exc:  # handed to whoever asks for the digest
                digest.set_exception(exc)

        threading.Thread(target=compute, name="sha256", daemon=True).start()
        _AHEAD[str(path)] = SourceFile(name=str(path), data=data, digest_ahead=digest)


def _file_bytes(path: Path) -> bytes | mmap.mmap:
    """Small files are read; large ones memory-mapped so parsing starts without a copy."""
    size = path.stat().st_size
    if size < MAP_THRESHOLD:
        return path.read_bytes()
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def is_blank(data: bytes | mmap.mmap) -> bool:
    """True for an empty file or one holding only white space (checked without a full copy)."""
    if len(data) > MAP_THRESHOLD:
        return (
            not bytes(data[:4096]).strip()
            and not bytes(data[-4096:]).strip()
            and not any(
                bytes(data[i : i + MAP_THRESHOLD]).strip()
                for i in range(0, len(data), MAP_THRESHOLD)
            )
        )
    return not bytes(data).strip()


def _zip_members(path: Path, suffixes: tuple[str, ...]) -> Iterator[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), f"not a readable zip archive ({exc})") from exc
    with archive:
        names = sorted(
            n for n in archive.namelist() if not n.endswith("/") and _matches(n, suffixes)
        )
        if not names:
            raise InputError(str(path), f"the archive holds no {' or '.join(suffixes)} files")
        for member in names:
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(
                    f"{path}:{member}", f"cannot be read from the archive ({exc})"
                ) from exc
            yield SourceFile(name=member, data=data, container=str(path))


def utf8_bytes(source: SourceFile) -> tuple[bytes, str]:
    """Return the source as UTF-8 bytes without a BOM, and the encoding it was found in.

    Spreadsheet exports arrive as UTF-8, UTF-8 with a BOM or Windows-1252; anything that is
    not valid UTF-8 is read as Windows-1252, which maps every byte a user is likely to see.
    """
    data = bytes(source.data)
    if is_blank(data):
        raise InputError(source.display_name, "the file is empty")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252").encode("utf-8"), "windows-1252"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                source.display_name,
                "the file is neither UTF-8 nor Windows-1252 text",
                row=line,
                hint="Save it from your spreadsheet as 'CSV UTF-8'.",
            ) from exc
    return data, encoding


def decoded_text(source: SourceFile) -> tuple[str, str]:
    """The source as text (see :func:`utf8_bytes`) for importers that parse with ``csv``."""
    data, encoding = utf8_bytes(source)
    return data.decode("utf-8"), encoding
