"""Input files as importers see them: expanded from folders and zip archives, hashed, decoded.

Every member of a zip archive or folder is its own source with its own SHA-256, so the same
month's file imported loose and later inside an archive is recognised as already imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mmap
import os
import re
import stat
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TypeVar

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.sniffing import HEAD_BYTES, sniff

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
    Anything but a regular file (a named pipe, a device) is refused: reading one can block
    for ever or never end.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if _matches(p.name, (*suffixes, ".zip")) and not p.is_dir()
            )
            if not found:
                raise InputError(
                    str(path), f"the folder holds no {' or '.join(suffixes)} or .zip files"
                )
            yield from expand_sources(found, suffixes)
        elif path.suffix.lower() == ".zip" and ".zip" not in suffixes:
            _require_regular(path)
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
        except (OSError, InputError):
            continue  # expand_sources reports it, as for any file
        digest: Future[str] = Future()

        def compute(data: bytes | mmap.mmap = data, digest: Future[str] = digest) -> None:
            try:
                digest.set_result(hashlib.sha256(data).hexdigest())
            except BaseException as exc:  # handed to whoever asks for the digest
                digest.set_exception(exc)

        threading.Thread(target=compute, name="sha256", daemon=True).start()
        _AHEAD[str(path)] = SourceFile(name=str(path), data=data, digest_ahead=digest)


@contextmanager
def known_digests(digests: Mapping[str, str]) -> Iterator[None]:
    """Inside, expand_sources yields each file named (path -> SHA-256) with the digest given,
    computed as it arrived (an upload), rather than hashing it once more."""
    for path, sha256 in digests.items():
        try:
            data = _file_bytes(Path(path))
        except InputError:
            continue  # expand_sources reports it, as for any file
        known: Future[str] = Future()
        known.set_result(sha256)
        _AHEAD[str(path)] = SourceFile(name=str(path), data=data, digest_ahead=known)
    try:
        yield
    finally:
        for path in digests:
            _AHEAD.pop(str(path), None)


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _require_regular(path: Path, mode: int | None = None) -> None:
    mode = os.stat(path).st_mode if mode is None else mode
    if not stat.S_ISREG(mode):
        what = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a file")
        raise InputError(
            str(path), f"this is not a regular file (it is {what})", hint="Give a saved file."
        )


def _file_bytes(path: Path) -> bytes | mmap.mmap:
    """Small files are read; large ones memory-mapped so parsing starts without a copy.

    Opened without blocking and checked on the open handle, so a named pipe is refused
    rather than waited on, even if it replaced the file a moment ago.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(str(path), f"cannot be opened ({exc.strerror})") from exc
    with open(handle, "rb") as file:
        info = os.fstat(handle)
        _require_regular(path, info.st_mode)
        if info.st_size < MAP_THRESHOLD:
            return file.read()
        return mmap.mmap(handle, 0, access=mmap.ACCESS_READ)


def read_regular_file(path: Path | str) -> bytes:
    """A file's bytes, refusing a named pipe or device (for importers that read paths)."""
    return bytes(_file_bytes(Path(path)))


def is_blank(data: bytes | mmap.mmap | memoryview) -> bool:
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


# -- zip archives ----------------------------------------------------------------------------

# A member may inflate to this much at most, and, once past RATIO_FROM_BYTES, to at most
# MAX_RATIO times its compressed size (CSV compresses 4-6 times; a zip bomb, a thousand).
MAX_MEMBER_BYTES = 8 << 30
MAX_RATIO = 100
RATIO_FROM_BYTES = 16 << 20
_CHUNK = 1 << 20


def check_archive(file: str, archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members claim to inflate beyond the limits above.

    For archives a library inflates itself (a shapefile zip, an Excel workbook): call this
    before handing it over. Members read here are also counted as they inflate.
    """
    for info in archive.infolist():
        _check_inflation(file, info, info.file_size)


def check_workbook(file: str, workbook: Path | IO[bytes]) -> None:
    """Refuse an Excel workbook (a zip of XML) whose parts would inflate beyond the
    limits above, before openpyxl inflates them; a file that is no zip is left for the
    reader to refuse in its own words."""
    try:
        archive = zipfile.ZipFile(workbook)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        check_archive(file, archive)
    if not isinstance(workbook, Path):
        workbook.seek(0)


def _check_inflation(file: str, info: zipfile.ZipInfo, size: int) -> None:
    ratio = size / max(info.compress_size, 1)
    if size > MAX_MEMBER_BYTES or (size > RATIO_FROM_BYTES and ratio > MAX_RATIO):
        raise InputError(
            f"{file}:{info.filename}",
            f"the archive member inflates to more than {min(size, MAX_MEMBER_BYTES):,} bytes "
            f"({ratio:,.0f} times its compressed size): refused as a possible zip bomb",
            hint=f"A member may hold at most {MAX_MEMBER_BYTES >> 30} GiB, and at most "
            f"{MAX_RATIO} times its compressed size; extract it and give the file itself.",
        )


def _zip_members(path: Path, suffixes: tuple[str, ...]) -> Iterator[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable zip archive ({exc})") from exc
    with archive:
        members = sorted(
            (i for i in archive.infolist() if not i.is_dir() and _matches(i.filename, suffixes)),
            key=lambda i: i.filename,
        )
        if not members:
            raise InputError(str(path), f"the archive holds no {' or '.join(suffixes)} files")
        for info in members:
            _check_inflation(str(path), info, info.file_size)
        for info in members:
            data = _inflate(str(path), archive, info)
            yield SourceFile(name=info.filename, data=data, container=str(path))


def _inflate(file: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | mmap.mmap:
    """A member's bytes, inflated a piece at a time and counted against the limits.

    Large members go to an unnamed temporary file, memory-mapped: the page cache holds
    them, not the process.
    """
    try:
        with archive.open(info) as stream:
            if info.file_size < MAP_THRESHOLD:
                return _drain(file, info, stream, io.BytesIO()).getvalue()
            with tempfile.TemporaryFile() as spool:  # the map keeps it open
                _drain(file, info, stream, spool).flush()
                if spool.tell() == 0:
                    return b""
                return mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise InputError(
            f"{file}:{info.filename}", f"cannot be read from the archive ({exc})"
        ) from exc


_Sink = TypeVar("_Sink", bound=IO[bytes])


def _drain(file: str, info: zipfile.ZipInfo, stream: IO[bytes], sink: _Sink) -> _Sink:
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        _check_inflation(file, info, total)
        sink.write(chunk)
    return sink


# -- decoding --------------------------------------------------------------------------------

# A multi-byte UTF-8 sequence, and the characters one in a Windows-1252 file would mean:
# letters with accents, typographic punctuation, the euro sign (anything else, e.g. 'É’'
# read as U+0252, is just two Windows-1252 characters).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_LIKELY_UTF8 = re.compile("[\u00a0-\u017f\u2010-\u203a\u20ac\u2122]")


def utf8_bytes(source: SourceFile) -> tuple[bytes, str]:
    """Return the source as UTF-8 bytes without a BOM, and the encoding it was found in.

    Spreadsheet exports arrive as UTF-8, UTF-8 with a BOM or Windows-1252. Refused, each
    with a message saying where: what is not text at all (a workbook, a PDF, UTF-16), a
    file mixing UTF-8 and Windows-1252 (it would store 'CafÃ© Court'), and NUL bytes.
    """
    data = bytes(source.data)
    refuse_non_csv(source)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    if is_blank(data):
        raise InputError(source.display_name, "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = windows_1252_text(source.display_name, data, exc.start)
        data, encoding = text.encode("utf-8"), "windows-1252"
    refuse_nul(source.display_name, text)
    return data, encoding


def decoded_text(source: SourceFile) -> tuple[str, str]:
    """The source as text (see :func:`utf8_bytes`) for importers that parse with ``csv``."""
    data, encoding = utf8_bytes(source)
    return data.decode("utf-8"), encoding


def refuse_non_csv(source: SourceFile) -> None:
    kind = sniff(memoryview(source.data)[:HEAD_BYTES], source.data)
    if kind is not None:
        raise InputError(
            source.display_name,
            f"this is not a CSV file (it looks like {kind.description})",
            hint=kind.hint,
        )


def windows_1252_text(file: str, data: bytes, bad_at: int) -> str:
    """``data``, which is not UTF-8 from byte ``bad_at`` on, read as Windows-1252.

    Refused if part of it is UTF-8 after all: read either way, that part or the rest would
    be stored wrong.
    """
    bad_row = data.count(b"\n", 0, bad_at) + 1
    for match in _UTF8_SEQUENCE.finditer(data):
        try:
            char = match.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _LIKELY_UTF8.match(char):
            utf8_row = data.count(b"\n", 0, match.start()) + 1
            raise InputError(
                file,
                f"the file mixes two encodings: row {utf8_row} is UTF-8 ('{char}') but row "
                f"{bad_row} is not (Windows-1252?)",
                row=bad_row,
                hint="Save the file again from your spreadsheet as 'CSV UTF-8', so that every "
                "row is UTF-8.",
            )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            file,
            "the file is neither UTF-8 nor Windows-1252 text",
            row=data.count(b"\n", 0, exc.start) + 1,
            hint="Save it from your spreadsheet as 'CSV UTF-8'.",
        ) from exc


def csv_header(source: SourceFile) -> list[str] | None:
    """The column names of a CSV source, read leniently from its start, for telling kinds
    apart; None if it is not CSV text or ends before its first line does."""
    if not source.name.lower().endswith(".csv"):
        return None
    head = bytes(memoryview(source.data)[:65536])
    if sniff(head) is not None or (b"\n" not in head and len(source.data) > len(head)):
        return None
    text = head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return None
    return [name.strip() for name in first]


def refuse_nul(file: str, text: str) -> None:
    """Refuse text holding a NUL character, naming its row and column."""
    at = text.find("\x00")
    if at >= 0:
        row, column = csvcheck.locate(text, at)
        raise InputError(
            file,
            "a cell holds a NUL character (a zero byte): the file is damaged or is not text",
            row=row,
            column=column,
            hint="Check the file in a text editor, or export it again.",
        )
