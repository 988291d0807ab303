"""The one way a CSV file is read (sources.decoded_text, csvcheck.DictReader and records),
checked directly and through the youth justice and plan importers that use it."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file


def test_dict_reader_reads_as_csv_dict_reader_does() -> None:
    text = 'a,b\n1,"two\nlines"\n\n3,4,extra\n5\n'
    ours = list(csvcheck.DictReader("f.csv", text))
    assert ours == list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_long_cell_names_its_row_and_column() -> None:
    text = 'a,b\n1,2\n3,"' + "x\n" * 70_000 + '"\n'
    with pytest.raises(InputError) as caught:
        list(csvcheck.DictReader("f.csv", text))
    assert (caught.value.row, caught.value.column) == (3, "b")
    assert "140,000 characters long; at most 131,072" in caught.value.problem
    limits = {"b": 1 << 20}
    assert len(list(csvcheck.DictReader("f.csv", text, column_limits=limits))) == 2


def test_records_give_the_line_each_record_starts_on() -> None:
    text = 'h1,h2\n"a\nb",c\n\nd,e\n'
    assert list(csvcheck.records("f.csv", text)) == [
        (1, ["h1", "h2"]), (2, ["a\nb", "c"]), (4, []), (5, ["d", "e"])
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "offset", "where"),
    [
        ("a,b,c\n1,2x,3\n", 9, (2, "b")),
        ('a,b\n"x\ny",zz\n', 11, (3, "b")),
        ("a,b\n", 0, (1, None)),
    ],
)
def test_locate_finds_row_and_column(text, offset, where) -> None:
    assert csvcheck.locate(text, offset) == where


@pytest.mark.parametrize(
    ("value", "count"),
    [("12", 12), ("1,234", 1234), ("12.0", 12), ("1e3", 1000), ("9007199254740993", 2**53 + 1),
     (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("1e20", None), ("9.3e18", None),
     ("99999999999999999999", None), ("-1", None), ("1.5", None), ("٣", None), ("nan", None),
     ("inf", None), ("", None), ("1e999999999", None)],
)  # fmt: skip
def test_counts_are_exact_ascii_and_64_bit(value, count) -> None:
    assert csvcheck.parse_count(value) == count


def test_quoted_values_are_capped_and_show_control_characters() -> None:
    assert csvcheck.quoted("abc") == "'abc'"
    assert csvcheck.quoted("\x1b[2J\n") == "'\\x1b[2J\\n'"
    assert csvcheck.quoted("x" * 100, 10) == "'xxxxxxxxxx…' (100 characters)"
    assert csvcheck.printable("a\x1b[31mb\x1b]8;;http://e\x07c\x00d\u202ee\n") == "abcde\n"


def test_youth_justice_and_plan_readers_get_the_same_errors(tmp_path: Path) -> None:
    from saferplan.plans.importing import plan_text
    from saferplan.youthjustice.reading import read_column_map

    long = tmp_path / "map.csv"
    long.write_text("table,source_column,column\nchildren," + "x" * 200_000 + ",id\n")
    with pytest.raises(InputError) as caught:
        read_column_map(long)
    assert (caught.value.row, caught.value.column) == (2, "source_column")
    utf16 = tmp_path / "plan.csv"
    utf16.write_text("section,action\nA,B\n", encoding="utf-16")
    with pytest.raises(InputError, match=r"not a CSV file \(it looks like UTF-16 text\)"):
        plan_text(str(utf16))
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="it is a named pipe"):
        read_column_map(pipe)
    with pytest.raises(InputError, match="it is a device"):
        read_regular_file("/dev/zero")


def test_mixed_encodings_and_nul_through_decoded_text() -> None:
    mixed = SourceFile("m.csv", "a\nCafé\n".encode() + "Café\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"row 2 is UTF-8 \('é'\) but row 3 is not") as caught:
        decoded_text(mixed)
    assert caught.value.row == 3
    with pytest.raises(InputError, match="NUL") as caught:
        decoded_text(SourceFile("n.csv", b"a,b\n1,\x002\n"))
    assert (caught.value.row, caught.value.column) == (2, "b")
    assert decoded_text(SourceFile("w.csv", "a\nCafé\n".encode("cp1252"))) == (
        "a\nCafé\n", "windows-1252"
    )  # fmt: skip
