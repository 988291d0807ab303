"""What a file really is, from its first bytes, so a CSV importer given a workbook, a PDF or
UTF-16 text says so instead of reporting 'missing columns' followed by garbage.
"""

from __future__ import annotations

import io
import mmap
import zipfile
from dataclasses import dataclass
from typing import IO, cast

HEAD_BYTES = 4096

SAVE_AS_CSV = "Open it in your spreadsheet and save it as 'CSV UTF-8 (comma delimited)'."


@dataclass(frozen=True)
class Kind:
    """What a file looks like (e.g. 'an Excel workbook') and what to do about it."""

    description: str
    hint: str = SAVE_AS_CSV


# Magic numbers at the very start of the file.
_MAGIC: list[tuple[bytes, Kind]] = [
    (b"\xff\xfe\x00\x00", Kind("UTF-32 text")),
    (b"\x00\x00\xfe\xff", Kind("UTF-32 text")),
    (b"\xff\xfe", Kind("UTF-16 text")),
    (b"\xfe\xff", Kind("UTF-16 text")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind("an old-style Office file (.xls or .doc)")),
    (b"%PDF-", Kind("a PDF document", "Export the table from its source as CSV.")),
    (b"\x1f\x8b", Kind("a gzip-compressed file", "Decompress it first.")),
    (b"BZh", Kind("a bzip2-compressed file", "Decompress it first.")),
    (b"\xfd7zXZ\x00", Kind("an xz-compressed file", "Decompress it first.")),
    (b"7z\xbc\xaf\x27\x1c", Kind("a 7-Zip archive", "Extract it first.")),
    (b"Rar!\x1a\x07", Kind("a RAR archive", "Extract it first.")),
    (b"PAR1", Kind("a Parquet file")),
    (b"SQLite format 3\x00", Kind("an SQLite database")),
    (b"\x89PNG\r\n\x1a\n", Kind("a PNG image")),
    (b"\xff\xd8\xff", Kind("a JPEG image")),
    (b"GIF8", Kind("a GIF image")),
    (
        b"\x00\x00\x27\x0a",
        Kind("a shapefile (.shp)", "Import it with 'saferplan import boundaries'."),
    ),
    (b"\x7fELF", Kind("a program, not data")),
]
_TEXT_STARTS: list[tuple[str, Kind]] = [
    ("<!doctype html", Kind("a web page (HTML)", "Download the CSV file itself, not its page.")),
    ("<html", Kind("a web page (HTML)", "Download the CSV file itself, not its page.")),
    ("<?xml", Kind("an XML file")),
    ("{", Kind("a JSON file")),
]
_ZIP = Kind("a zip archive", "Give the archive itself (a name ending .zip), or extract it.")
# Parts of an Office or OpenDocument package, by the folder or file inside the zip.
_PACKAGES: list[tuple[str, Kind]] = [
    ("xl/", Kind("an Excel workbook (.xlsx)")),
    ("word/", Kind("a Word document (.docx)", "Export the table from it as CSV.")),
    ("ppt/", Kind("a PowerPoint file (.pptx)", "Export the table from it as CSV.")),
]


def sniff(data: bytes | memoryview, whole: bytes | mmap.mmap | None = None) -> Kind | None:
    """What ``data`` (a file's first bytes) is, if it is clearly not CSV text; else None.

    ``whole`` (the entire file, bytes or mmap) lets a zip be looked inside: an Excel
    workbook is a zip archive too.
    """
    head = bytes(data[:HEAD_BYTES])
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _inside_zip(whole)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1").lower()
    for start, kind in _TEXT_STARTS:
        if text.startswith(start):
            return kind
    if _utf16_without_bom(head):
        return Kind("UTF-16 text")
    if _binary(head):
        return Kind("binary data, not text", "Check that this is the file you meant to give.")
    return None


def _inside_zip(whole: bytes | mmap.mmap | None) -> Kind:
    if whole is None:
        return _ZIP
    readable = io.BytesIO(whole) if isinstance(whole, bytes) else cast(IO[bytes], whole)
    try:
        with zipfile.ZipFile(readable) as z:
            names = z.namelist()
            if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype")[:100]:
                return Kind("an OpenDocument spreadsheet (.ods)")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return _ZIP
    for folder, kind in _PACKAGES:
        if "[Content_Types].xml" in names and any(n.startswith(folder) for n in names):
            return kind
    return _ZIP


def _utf16_without_bom(head: bytes) -> bool:
    """Mostly-ASCII UTF-16: every other byte a zero."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > len(even) * 0.4 or odd.count(0) > len(odd) * 0.4


def _binary(head: bytes) -> bool:
    """Many zero bytes or control characters, which text never holds (one is a bad cell)."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) * 0.05 + 1
