"""Hypothesis strategies that damage valid input files, and the property every importer must
keep: a bad file is refused with an InputError (or SaferplanError) naming it, and nothing is
stored. Reusable by any importer's fuzz test (``mutated_csv(VALID)``, ``check_refused_or_whole``).

Damage is done the way files really arrive broken: cells replaced by hostile values (the
cases of issue #10), rows cut short, dropped or repeated, headers renamed, reordered or
duplicated, other encodings and line endings, then bytes flipped, inserted or cut off.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from saferplan.core.errors import InputError, SaferplanError

HOSTILE_CELLS = [
    "", " ", "0", "-1", "1.5", "12.0", "1,234", "1e3", "1e20", "9.3e18", "99999999999999999999",
    "9223372036854775807", "9223372036854775808", "NaN", "nan", "inf", "-inf", "1e400",
    "١٢", "٣", "２０１８-06", "٢٠١٨-06", "2018-13", "201813", "3000000000",
    "ZZ999", "E01", "E01٠٠٠٠٠١", "E0100211", "E01002112", "E09000015", "E05013554",
    "[/bold]", "[link=https://evil.example]click[/link]", "\x1b[2J\x1b[31mred", "\x07\x08\r",
    "a\x00b", "\x00", '"', '""', '"a', ",", "\n", "\r\n", "\u202e", "\ufeff", "Café", "CafÃ©",
    "POINT (nan nan)", "POLYGON EMPTY", "POINT (1 2)", "GEOMETRYCOLLECTION EMPTY",
    "POLYGON ((0 0, 1 0, 1 1, 0 0))", "x" * 300, "x" * 200_000,
]  # fmt: skip

cells = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=12))


def parse(valid: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(valid, newline="")))


def render(rows: list[list[str]], newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


@st.composite
def damaged_rows(draw: st.DrawFn, valid: str) -> list[list[str]]:
    """The records of ``valid`` with cells, rows and the header damaged."""
    rows = [list(r) for r in parse(valid)]
    header = rows[0]
    for _ in range(draw(st.integers(0, 3))):  # more rows like the valid ones
        rows.append(list(draw(st.sampled_from(rows[1:]))))
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, max(len(rows[r]) - 1, 0)))
        if rows[r]:
            rows[r][c] = draw(cells)
    edit = draw(st.sampled_from(["none", "truncate", "drop", "repeat", "header"]))
    if edit == "truncate":
        r = draw(st.integers(1, len(rows) - 1))
        rows[r] = rows[r][: draw(st.integers(0, len(header)))]
    elif edit == "drop" and len(rows) > 1:
        del rows[draw(st.integers(1, len(rows) - 1))]
    elif edit == "repeat":
        rows.append(list(rows[-1]))
    elif edit == "header":
        rows[0] = draw(damaged_header(header))
    return rows


@st.composite
def damaged_header(draw: st.DrawFn, header: list[str]) -> list[str]:
    out = list(header)
    i = draw(st.integers(0, len(out) - 1))
    how = draw(st.sampled_from(["rename", "case", "typo", "drop", "duplicate", "swap", "add"]))
    if how == "rename":
        out[i] = draw(cells)
    elif how == "case":
        out[i] = out[i].swapcase()
    elif how == "typo" and out[i]:
        out[i] = out[i][:-1]
    elif how == "drop":
        del out[i]
    elif how == "duplicate":
        out.insert(i, out[i])
    elif how == "swap":
        j = draw(st.integers(0, len(out) - 1))
        out[i], out[j] = out[j], out[i]
    else:
        out.append(draw(st.sampled_from(["Context", "MajorText", "LSOA11CD", "geometry", "x"])))
    return out


@st.composite
def encoded(draw: st.DrawFn, rows: list[list[str]]) -> bytes:
    """The rows as bytes, in an encoding and with line endings files arrive in."""
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = render(rows, newline)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final line end
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "mixed"]))
    if encoding == "mixed":  # the first half UTF-8, the rest Windows-1252
        half = len(text) // 2
        return text[:half].encode() + text[half:].encode("cp1252", errors="replace")
    return text.encode(encoding, errors="replace")


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, inserted or cut off (or left alone)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        how = draw(st.sampled_from(["flip", "insert", "nul", "cut"]))
        if how == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "nul":
            out[at:at] = b"\x00"
        else:
            del out[at:]
    return bytes(out)


@st.composite
def mutated_csv(draw: st.DrawFn, valid: str) -> bytes:
    """A damaged copy of the CSV text ``valid`` (header and at least one record)."""
    data = draw(encoded(draw(damaged_rows(valid))))
    if draw(st.integers(0, 3)) == 0:
        data = draw(damaged_bytes(data))
    return data


@st.composite
def mutated_text(draw: st.DrawFn, valid: str, hostile: list[str] | None = None) -> bytes:
    """A damaged copy of any text file (e.g. GeoJSON): spans replaced, then bytes damaged."""
    text = valid
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + draw(st.sampled_from(hostile or HOSTILE_CELLS)) + text[end:]
    return draw(damaged_bytes(text.encode()))


FUZZ = settings(
    max_examples=int(os.environ.get("SAFERPLAN_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=bool(os.environ.get("SAFERPLAN_FUZZ_DERANDOMIZE")),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
    ],
)  # fmt: skip


def snapshot(root: Path, count_records: Callable[[], int]) -> tuple[Any, ...]:
    """The catalog's bytes, every file under ``root`` and the number of import records."""
    catalog = root / "catalog.json"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return (catalog.read_bytes() if catalog.exists() else None, files, count_records())


def check_refused_or_whole(
    run: Callable[[Path], Any],
    name: str,
    data: bytes,
    state: Callable[[], tuple[Any, ...]],
) -> SaferplanError | None:
    """Write ``data`` as ``name`` and ``run`` the import on it. It must either succeed, or
    fail with a SaferplanError whose message names the file (and, for an InputError with a
    row, a row inside the file) having changed nothing ``state`` sees."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        before = state()
        try:
            run(path)
        except SaferplanError as error:  # anything else is a traceback: the test fails
            assert str(path) in str(error), str(error)
            if isinstance(error, InputError) and error.row is not None:
                assert 1 <= error.row <= max(data.count(b"\n"), data.count(b"\r")) + 2, error
            assert len(str(error)) < 1000, str(error)
            assert state() == before, f"stored something and failed: {error}"
            return error
    return None
