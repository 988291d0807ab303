"""police.uk import: exact figures from the real file, and every kind of bad input refused
with a message naming file, row and column, leaving nothing stored."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import write

from saferplan.core.errors import InputError
from saferplan.datastore.models import ImportRecord
from saferplan.demo import DATA

HARROW = DATA / "police_uk" / "harrow-2018-06-street.csv"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
GOOD = "abc123,2018-06,Metropolitan Police Service,Metropolitan Police Service,-0.30,51.62,On or near Kerry Court,E01002112,Harrow 001A,Burglary,Under investigation,"
ASB = ",2018-06,Metropolitan Police Service,Metropolitan Police Service,-0.30,51.62,On or near Kerry Court,E01002112,Harrow 001A,Anti-social behaviour,,"


def _rows(warehouse) -> int:
    return warehouse.connect().execute("SELECT count(*) FROM police_uk_records_all").fetchone()[0]


def test_real_file_counts_match_the_raw_csv(warehouse, import_into) -> None:
    outcome = import_into("police-uk", HARROW)
    with open(HARROW, newline="", encoding="utf-8") as handle:
        expected = Counter(r["Crime type"] for r in csv.DictReader(handle))
    got = dict(
        warehouse.connect()
        .execute("SELECT crime_type, count(*) FROM police_uk_records GROUP BY 1")
        .fetchall()
    )
    assert got == dict(expected)
    assert sum(expected.values()) == 1612 and expected["Anti-social behaviour"] == 400
    record = outcome.imported[0]
    assert (record.rows_read, record.rows_kept, record.rows_rejected) == (1612, 1612, 0)
    lsoas = (
        warehouse.connect()
        .execute("SELECT count(DISTINCT lsoa_code) FROM police_uk_records")
        .fetchone()
    )
    assert lsoas == (136,)


def test_same_file_twice_and_inside_a_zip_changes_nothing(warehouse, import_into, tmp_path) -> None:
    import_into("police-uk", HARROW)
    catalog = warehouse.catalog_path.read_bytes()
    again = import_into("police-uk", HARROW)
    assert again.imported == [] and len(again.skipped) == 1
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(HARROW, "2018-06/2018-06-metropolitan-street.csv")
        z.writestr("2018-06/2018-06-metropolitan-outcomes.csv", "not a street file")
    zipped = import_into("police-uk", archive)
    assert zipped.imported == []
    assert warehouse.catalog_path.read_bytes() == catalog
    assert ImportRecord.objects.count() == 1


def test_zip_members_are_imported_with_their_container(warehouse, import_into, tmp_path) -> None:
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2018-06/2018-06-metropolitan-street.csv", f"{HEADER}\n{GOOD}\n{ASB}\n")
        z.writestr("2018-06/2018-06-metropolitan-stop-and-search.csv", "ignored")
    outcome = import_into("police-uk", archive)
    (record,) = outcome.imported
    assert record.container == str(archive)
    assert record.file_name == "2018-06/2018-06-metropolitan-street.csv"
    assert _rows(warehouse) == 2


def test_newer_download_of_a_month_replaces_the_older(warehouse, import_into, tmp_path) -> None:
    import_into("police-uk", write(tmp_path / "a-street.csv", f"{HEADER}\n{GOOD}\n{ASB}\n"))
    import_into("police-uk", write(tmp_path / "b-street.csv", f"{HEADER}\n{GOOD}\n"))
    con = warehouse.connect()
    assert con.execute("SELECT count(*) FROM police_uk_records").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM police_uk_records_all").fetchone() == (3,)


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        (HEADER.replace("Crime type", "Crime typ") + "\n" + GOOD + "\n", 1, "Crime typ",
         "expected a column 'Crime type' but found 'Crime typ'"),
        (HEADER.replace(",Context", "") + "\n" + GOOD[:-1] + "\n", 1, None, "missing column 'Context'"),
        (f"{HEADER}\n{GOOD}\n{GOOD.replace('2018-06', '2018-13')}\n", 3, "Month", "'2018-13' is not a month"),
        (f"{HEADER}\n{GOOD.replace('2018-06', 'June 2018')}\n", 2, "Month", "'June 2018' is not a month"),
        (f"{HEADER}\n{GOOD.replace('2018-06', '')}\n", 2, "Month", "the month is empty"),
        (f"{HEADER}\n{GOOD}\n{GOOD.replace('-0.30', 'west')}\n", 3, "Longitude", "'west' is not a number"),
        (f"{HEADER}\n{GOOD.replace('51.62', '40.71')}\n", 2, "Latitude", "outside the United Kingdom"),
        (f"{HEADER}\n{GOOD.replace('-0.30', '')}\n", 2, "Longitude", "one coordinate is given without the other"),
        (f"{HEADER}\n{GOOD.replace('E01002112', 'X123')}\n", 2, "LSOA code", "'X123' is not an LSOA code"),
        (f"{HEADER}\n{GOOD.replace('Burglary', '')}\n", 2, "Crime type", "the crime type is empty"),
        (f"{HEADER}\n{GOOD}\n{GOOD[:40]}", 3, None, "truncated"),
        (f"{HEADER}\n{GOOD},extra\n", 2, None, "13 fields but the header has 12"),
        (f"{HEADER}\n", 2, None, "has a header but no rows"),
        ("", None, None, "the file is empty"),
        ("  \r\n\r\n", None, None, "the file is empty"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_precisely_and_stores_nothing(
    warehouse, import_into, tmp_path, text, row, column, message
) -> None:
    import_into("police-uk", HARROW)  # an earlier import that must survive
    before = warehouse.catalog_path.read_bytes()
    path = write(tmp_path / "2018-06-bad-street.csv", text)
    with pytest.raises(InputError) as caught:
        import_into("police-uk", path)
    error = caught.value
    assert message in error.problem
    assert error.file == str(path)
    assert error.row == row
    assert error.column == column
    assert str(path) in str(error)
    assert warehouse.catalog_path.read_bytes() == before
    assert ImportRecord.objects.count() == 1
    assert _rows(warehouse) == 1612


def test_a_bad_file_among_good_ones_stores_none_of_them(warehouse, import_into, tmp_path) -> None:
    folder = tmp_path / "months"
    folder.mkdir()
    write(folder / "2018-05-a-street.csv", f"{HEADER}\n{GOOD.replace('2018-06', '2018-05')}\n")
    write(folder / "2018-06-b-street.csv", f"{HEADER}\n{GOOD.replace('2018-06', '2018-99')}\n")
    with pytest.raises(InputError, match="2018-99"):
        import_into("police-uk", folder)
    assert ImportRecord.objects.count() == 0
    assert warehouse.entries() == []


@pytest.mark.parametrize(
    ("encoding", "prefix", "newline"),
    [
        ("utf-8", "", "\n"),
        ("utf-8", "\ufeff", "\n"),
        ("cp1252", "", "\r\n"),
        ("utf-8", "\ufeff", "\r\n"),
    ],
)
def test_encodings_and_line_endings(
    warehouse, import_into, tmp_path, encoding, prefix, newline
) -> None:
    good = GOOD.replace("Kerry Court", "Café Parade")
    text = prefix + newline.join([HEADER, good, ASB]) + newline
    path = write(tmp_path / "enc-street.csv", text, encoding)
    (record,) = import_into("police-uk", path).imported
    locations = (
        warehouse.connect()
        .execute("SELECT location FROM police_uk_records ORDER BY crime_id NULLS LAST")
        .fetchall()
    )
    assert locations[0] == ("On or near Café Parade",)
    assert record.encoding == {"cp1252": "windows-1252"}.get(
        encoding, "utf-8-sig" if prefix else "utf-8"
    )


def test_records_without_a_location_are_kept(warehouse, import_into, tmp_path) -> None:
    no_location = GOOD.replace(
        "-0.30,51.62,On or near Kerry Court,E01002112,Harrow 001A", ",,No location,,"
    )
    import_into("police-uk", write(tmp_path / "x-street.csv", f"{HEADER}\n{no_location}\n"))
    row = (
        warehouse.connect().execute("SELECT longitude, lsoa_code FROM police_uk_records").fetchone()
    )
    assert row == (None, None)


def test_line_numbers_count_quoted_newlines(warehouse, import_into, tmp_path) -> None:
    quoted = GOOD.replace("On or near Kerry Court", '"On or near\nKerry Court"')
    text = f"{HEADER}\n{quoted}\n{GOOD.replace('2018-06', '2018-00')}\n"
    with pytest.raises(InputError) as caught:
        import_into("police-uk", write(tmp_path / "q-street.csv", text))
    assert caught.value.row == 4


def test_cli_prints_the_location_of_the_error(tmp_path: Path) -> None:
    path = write(tmp_path / "cli-street.csv", f"{HEADER}\n{GOOD.replace('2018-06', '2018-13')}\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "saferplan", "import", "police-uk", str(path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{path}, row 2, column 'Month': '2018-13' is not a month" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_lists_imports_with_provenance(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    env["COLUMNS"] = "200"  # Rich wraps tables to the terminal width
    run = [sys.executable, "-m", "saferplan"]
    subprocess.run(
        [*run, "import", "police-uk", str(HARROW)], env=env, check=True, capture_output=True
    )
    listing = subprocess.run(
        [*run, "imports"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "police-uk" in listing.stdout and "1,612" in listing.stdout


def test_partition_keys_and_the_stored_schema(warehouse, import_into, tmp_path) -> None:
    import pyarrow.parquet as pq

    from saferplan.datastore.tables import TABLES

    kent = GOOD.replace("2018-06", "2018-07").replace("Metropolitan Police Service", "Kent Police")
    no_force = GOOD.replace("Service,Metropolitan Police Service", "Service,")
    text = f"{HEADER}\n{GOOD}\n{kent}\n{no_force}\n{GOOD}\n"
    (record,) = import_into("police-uk", write(tmp_path / "p-street.csv", text)).imported
    (entry,) = warehouse.entries()
    assert entry.partitions == [
        "police-uk|Kent Police|2018-07",
        "police-uk|Metropolitan Police Service|2018-06",
        "police-uk||2018-06",
    ]
    assert record.notes["months"] == ["2018-06", "2018-07"]
    stored = pq.read_table(warehouse.root / entry.file)
    assert stored.schema.remove_metadata() == TABLES["police_uk_records"].schema
    assert stored["partition_key"].to_pylist() == [
        "police-uk|Metropolitan Police Service|2018-06",
        "police-uk|Kent Police|2018-07",
        "police-uk||2018-06",
        "police-uk|Metropolitan Police Service|2018-06",
    ]
    assert [str(m) for m in stored["month"].to_pylist()] == [
        "2018-06-01", "2018-07-01", "2018-06-01", "2018-06-01"
    ]  # fmt: skip


def test_cli_import_does_not_load_pandas(tmp_path: Path) -> None:
    # pyarrow loads pandas (~0.1 s) on its first conversion of a Python value.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['saferplan', 'import', 'police-uk', {str(HARROW)!r}]\n"
        "try:\n"
        "    runpy.run_module('saferplan', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('pandas loaded' if 'pandas' in sys.modules else 'no pandas')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "Imported" in result.stdout
    assert result.stdout.strip().endswith("no pandas")


def test_a_file_read_in_pieces_gives_the_same_table_and_errors(
    warehouse, import_into, tmp_path, monkeypatch
) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from saferplan.crime.importers import police_uk

    monkeypatch.setattr(police_uk, "PIECES_FROM_BYTES", 1)
    monkeypatch.setattr(police_uk, "_BLOCK", 4096)
    monkeypatch.setattr(police_uk.os, "cpu_count", lambda: 3)
    rows = [GOOD.replace("abc123", f"id{i}") if i % 3 else ASB for i in range(300)]
    text = "\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n"
    raw = text.encode("utf-8")
    header = HEADER.split(",")
    monkeypatch.setattr(police_uk, "PIECE_BYTES", 8192)  # more pieces than cores
    read: list[int] = []
    pieces = police_uk._read_in_pieces(raw, 3, header, read.append)
    assert len(read) == len(raw) // 8192 and sum(read) == len(raw) - 3  # each piece, as read
    whole = police_uk._read("x", raw[3:], header)
    for column in ("Longitude", "Latitude"):  # converted on the piece threads
        position = whole.schema.get_field_index(column)
        whole = whole.set_column(position, column, pc.cast(whole[column], pa.float64()))
    assert pieces is not None and pieces.equals(whole)
    quoted = raw.replace(b"On or near Kerry Court", b'"On or near Kerry Court"')
    assert police_uk._read_in_pieces(quoted, 3, header) is None

    bad = [*rows[:250], GOOD.replace("2018-06", "2018-13"), *rows[250:]]
    path = write(tmp_path / "late-street.csv", "\n".join([HEADER, *bad]) + "\n")
    with pytest.raises(InputError) as caught:
        import_into("police-uk", path)
    assert (caught.value.row, caught.value.column) == (252, "Month")
    ragged = [*rows[:280], GOOD + ",extra", *rows[280:]]
    path = write(tmp_path / "ragged-street.csv", "\n".join([HEADER, *ragged]) + "\n")
    with pytest.raises(InputError, match="13 fields but the header has 12") as caught:
        import_into("police-uk", path)
    assert caught.value.row == 282
    (record,) = import_into("police-uk", write(tmp_path / "ok-street.csv", text)).imported
    assert record.rows_kept == 300 and _rows(warehouse) == 300


def test_space_padded_coordinates_are_numbers(import_into, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A hand-edited file with ' -0.30' is read, not refused or crashed on."""
    path = tmp_path / "2018-06-metropolitan-street.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{GOOD.replace('-0.30', ' -0.30 ')}\n")
    outcome = import_into("police-uk", path)
    assert outcome.imported[0].rows_kept == 2
