"""Every bad input of issue #10 (and #11's wrong kind), through every warehouse importer:
refused with the file, row and column, never a traceback, never stored."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import write

from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.warehouse import Warehouse

POLICE = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context\n"
    "abc123,2018-06,Metropolitan Police Service,Metropolitan Police Service,-0.30,51.62,"
    "On or near Kerry Court,E01002112,Harrow 001A,Burglary,Under investigation,\n"
)
MPS = "MajorText,MinorText,LookUp_BoroughName,201801,201802\nBurglary,Domestic,Harrow,12,9\n"
MPS_WARD = (
    "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202201\n"
    "Burglary,Domestic,Canons,E05013554,Harrow,3\n"
)
LSOA_ANNUAL = (
    "LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,2018,2019\n"
    "E01002112,Harrow 001A,E02000001,Harrow 001,E09000015,Harrow,5,7\n"
)
POPULATION = (
    "LSOA11CD,LSOA11NM,LAD11CD,LAD11NM,Persons_All-Ages,Persons_0-15\n"
    "E01002112,Harrow 001A,E09000015,Harrow,1500,300\n"
)
LOOKUP = (
    "LSOA11CD,LSOA11NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
    "E01002112,Harrow 001A,E05013554,Canons,E09000015,Harrow\n"
)
SQUARE = "POLYGON ((515000 190000, 515100 190000, 515100 190100, 515000 190000))"
BOUNDARIES = f'LSOA11CD,LSOA11NM,geometry\nE01002112,Harrow 001A,"{SQUARE}"\n'

# kind -> (file name, valid content, options)
VALID: dict[str, tuple[str, str, dict[str, Any]]] = {
    "police-uk": ("2018-06-test-street.csv", POLICE, {}),
    "mps": ("mps.csv", MPS, {}),
    "lsoa-annual": ("london-major-burglary.csv", LSOA_ANNUAL, {}),
    "population": ("population_mid2019.csv", POPULATION, {}),
    "lookup": ("lookup.csv", LOOKUP, {}),
    "boundaries": ("lsoa.csv", BOUNDARIES, {}),
}
DESCRIBED = {
    "police-uk": "a police.uk street-level crime file",
    "mps": "an MPS monthly count file",
    "lsoa-annual": "an annual LSOA crime count file",
    "population": "an ONS population file",
    "lookup": "an LSOA to ward and local authority lookup",
    "boundaries": "a boundary file (WKT CSV)",
}


def _state(wh: Warehouse) -> tuple[bytes | None, list[str], int]:
    catalog = wh.catalog_path.read_bytes() if wh.catalog_path.exists() else None
    files = sorted(str(p.relative_to(wh.root)) for p in wh.root.rglob("*") if p.is_file())
    return catalog, files, ImportRecord.objects.count()


def _refused(
    import_into: Any, warehouse: Warehouse, kind: str, path: Path, options: dict[str, Any]
) -> SaferplanError:
    """Import ``path``; it must fail with a SaferplanError naming it, and store nothing."""
    before = _state(warehouse)
    with pytest.raises(SaferplanError) as caught:
        import_into(kind, path, **options)
    error = caught.value
    assert str(path) in str(error)
    assert len(str(error)) < 400  # values are quoted with a length cap
    assert _state(warehouse) == before
    return error


def _located(error: SaferplanError, row: int | None, column: str | None) -> None:
    assert isinstance(error, InputError)
    assert (error.row, error.column) == (row, column), str(error)


@pytest.mark.parametrize("kind", list(VALID))
def test_the_valid_files_import(kind, warehouse, import_into, tmp_path) -> None:
    name, text, options = VALID[kind]
    (record,) = import_into(kind, write(tmp_path / name, text), **options).imported
    assert record.rows_kept == 1


# -- what a file really is -------------------------------------------------------------------


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["MajorText", "MinorText", "LookUp_BoroughName", "201801"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NOT_CSV = {
    "an Excel workbook (.xlsx)": _workbook(),
    "UTF-16 text": MPS.encode("utf-16"),
    "binary data": random.Random(0).randbytes(3000),
    "a PDF document": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "a web page (HTML)": b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n",
    "a gzip-compressed file": gzip.compress(MPS.encode()),
}


@pytest.mark.parametrize("kind", list(VALID))
@pytest.mark.parametrize("looks", list(NOT_CSV))
def test_a_file_that_is_not_csv_says_what_it_looks_like(
    kind, looks, warehouse, import_into, tmp_path
) -> None:
    name, _, options = VALID[kind]
    error = _refused(import_into, warehouse, kind, write_bytes(tmp_path / name, NOT_CSV[looks]),
                     options)  # fmt: skip
    assert f"this is not a CSV file (it looks like {looks}" in str(error)
    assert "missing column" not in str(error)


def test_an_excel_file_named_json_is_not_read_as_geojson(warehouse, import_into, tmp_path) -> None:
    path = write_bytes(tmp_path / "wards.json", _workbook())
    error = _refused(import_into, warehouse, "boundaries", path, {})
    assert "this is not a GeoJSON file (it looks like an Excel workbook (.xlsx))" in str(error)


@pytest.mark.parametrize(("kind", "other"), [(k, o) for k in VALID for o in VALID if k != o])
def test_a_file_of_another_kind_names_the_right_kind(
    kind, other, warehouse, import_into, tmp_path
) -> None:
    name, text, _ = VALID[other]
    if kind == "police-uk":
        name = name.replace(".csv", "-street.csv")
    error = _refused(import_into, warehouse, kind, write(tmp_path / name, text), VALID[kind][2])
    assert f"this looks like {DESCRIBED[other]}, not {DESCRIBED[kind]}" in str(error)
    assert f"saferplan import {other}" in (error.hint or "")
    assert "Rename the column" not in (error.hint or "")


# -- decoding ------------------------------------------------------------------------------


def _cell(kind: str, old: str, new: str) -> str:
    text = VALID[kind][1]
    assert old in text
    return text.replace(old, new)


CELLS = {  # kind -> (a value in the valid file's row 2, the column it is in)
    "police-uk": ("On or near Kerry Court", "Location"),
    "mps": ("Domestic", "MinorText"),
    "lsoa-annual": ("E02000001", "MSOA11CD"),
    "population": ("Harrow 001A", "LSOA11NM"),
    "lookup": ("Canons", "WD22NM"),
    "boundaries": ("Harrow 001A", "LSOA11NM"),
}


@pytest.mark.parametrize("kind", list(VALID))
def test_nul_bytes_are_refused_with_row_and_column(kind, warehouse, import_into, tmp_path):
    name, _, options = VALID[kind]
    value, column = CELLS[kind]
    text = _cell(kind, value, value[:3] + "\x00" + value[3:])
    error = _refused(import_into, warehouse, kind, write(tmp_path / name, text), options)
    assert "NUL character" in str(error)
    _located(error, 2, column)


@pytest.mark.parametrize("kind", list(VALID))
def test_a_file_mixing_utf8_and_windows_1252_is_refused(kind, warehouse, import_into, tmp_path):
    name, text, options = VALID[kind]
    value, _ = CELLS[kind]
    header, row = text.splitlines(keepends=True)
    row = row.replace(value, "Café Court")
    data = (header + row).encode() + row.encode("cp1252")  # "Café" twice, two encodings
    error = _refused(import_into, warehouse, kind, write_bytes(tmp_path / name, data), options)
    assert "row 2 is UTF-8 ('é') but row 3 is not" in str(error)
    _located(error, 3, None)


def test_windows_1252_alone_is_still_read(warehouse, import_into, tmp_path) -> None:
    # In Windows-1252, É’ is also a valid UTF-8 pair (U+0252): not taken for UTF-8.
    text = _cell("mps", "Domestic", "CAFÉ’S Café")
    (record,) = import_into("mps", write(tmp_path / "w.csv", text, "cp1252")).imported
    assert record.encoding == "windows-1252"
    rows = warehouse.connect().execute("SELECT DISTINCT minor FROM crime_counts").fetchall()
    assert rows == [("CAFÉ’S Café",)]


@pytest.mark.parametrize("kind", list(VALID))
def test_a_ten_megabyte_cell_is_refused_with_row_and_column(
    kind, warehouse, import_into, tmp_path
) -> None:
    name, _, options = VALID[kind]
    value, column = CELLS[kind]
    text = _cell(kind, value, "x" * (10 << 20))
    error = _refused(import_into, warehouse, kind, write(tmp_path / name, text), options)
    assert "10,485,760 characters long" in str(error)
    _located(error, 2, column)


# -- values --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["1e20", "9.3e18", "99999999999999999999"])
def test_counts_beyond_64_bits_are_refused(count, warehouse, import_into, tmp_path) -> None:
    mps = _refused(import_into, warehouse, "mps",
                   write(tmp_path / "mps.csv", _cell("mps", ",12,", f",{count},")), {})  # fmt: skip
    assert f"the count '{count}' is too large" in str(mps)
    _located(mps, 2, "201801")
    population = _refused(import_into, warehouse, "population",
                          write(tmp_path / "p_mid2019.csv", _cell("population", "1500", count)),
                          {})  # fmt: skip
    assert f"the population '{count}' is too large" in str(population)
    _located(population, 2, "Persons_All-Ages")


def test_the_largest_64_bit_count_is_stored_exactly(warehouse, import_into, tmp_path) -> None:
    big = str(2**63 - 1)
    import_into("mps", write(tmp_path / "m.csv", _cell("mps", ",12,", f",{big},")))
    total = warehouse.connect().execute("SELECT max(count) FROM crime_counts").fetchone()
    assert total == (2**63 - 1,)


@pytest.mark.parametrize(
    ("kind", "old", "new", "column"),
    [
        ("mps", ",12,", ",١٢,", "201801"),
        ("population", "1500", "١٥٠٠", "Persons_All-Ages"),
        ("lsoa-annual", ",5,", ",٥,", "2018"),
    ],
)
def test_arabic_indic_digits_are_not_counts(kind, old, new, column, warehouse, import_into,
                                             tmp_path) -> None:  # fmt: skip
    name, _, options = VALID[kind]
    error = _refused(import_into, warehouse, kind, write(tmp_path / name, _cell(kind, old, new)),
                     options)  # fmt: skip
    assert "write numbers with the digits 0-9" in str(error)
    _located(error, 2, column)


@pytest.mark.parametrize(
    ("kind", "old", "new", "column"),
    [
        ("population", "E01002112", "ZZ999", "LSOA11CD"),
        ("population", "E09000015", "ZZ999", "LAD11CD"),
        ("lookup", "E01002112", "ZZ999", "LSOA11CD"),
        ("lookup", "E05013554", "ZZ999", "WD22CD"),
        ("lookup", "E09000015", "ZZ999", "LAD22CD"),
        ("lsoa-annual", "E01002112", "ZZ999", "LSOA11CD"),
        ("mps", "E05013554", "ZZ999", "WardCode"),
        ("boundaries", "E01002112", "ZZ999", "LSOA11CD"),
        ("police-uk", "E01002112", "E01٠٠٢١١٢", "LSOA code"),
        ("lookup", "E01002112", "E01٠٠٢١١٢", "LSOA11CD"),
    ],
)
def test_codes_that_are_not_ons_codes_are_refused(
    kind, old, new, column, warehouse, import_into, tmp_path
) -> None:
    name, text, options = VALID[kind]
    if column == "WardCode":
        text = MPS_WARD
    error = _refused(import_into, warehouse, kind, write(tmp_path / name, text.replace(old, new)),
                     options)  # fmt: skip
    assert f"'{new}' is not" in str(error)
    _located(error, 2, column)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_a_longitude_that_is_not_a_finite_number_is_refused(
    value, warehouse, import_into, tmp_path
) -> None:
    text = _cell("police-uk", "-0.30", value)
    error = _refused(import_into, warehouse, "police-uk", write(tmp_path / "n-street.csv", text),
                     {})  # fmt: skip
    assert f"'{value}' is not a coordinate" in str(error)
    _located(error, 2, "Longitude")


@pytest.mark.parametrize(
    ("wkt", "message"),
    [
        ("POINT (nan nan)", "the geometry is a Point, not a polygon"),
        (
            "POLYGON ((515000 190000, 515100 nan, 515100 190100, 515000 190000))",
            "not a finite number",
        ),
    ],
)
def test_wkt_with_nan_is_refused(wkt, message, warehouse, import_into, tmp_path) -> None:
    path = write(tmp_path / "nan.csv", BOUNDARIES.replace(SQUARE, wkt))
    error = _refused(import_into, warehouse, "boundaries", path, {})
    assert message in str(error)
    _located(error, 2, "geometry")


def test_options_out_of_range_are_refused(warehouse, import_into, tmp_path) -> None:
    population = write(tmp_path / "population.csv", POPULATION)
    error = _refused(import_into, warehouse, "population", population, {"year": 3000000000})
    assert "--year '3000000000' is not a year" in str(error)
    boundaries = write(tmp_path / "lsoa.csv", BOUNDARIES)
    error = _refused(import_into, warehouse, "boundaries", boundaries, {"crs": "EPSG:999999"})
    assert "--crs 'EPSG:999999' is not a coordinate system" in str(error)


def test_values_are_quoted_with_a_length_cap(warehouse, import_into, tmp_path) -> None:
    text = _cell("police-uk", "2018-06", "9" * 5000)
    error = _refused(import_into, warehouse, "police-uk", write(tmp_path / "l-street.csv", text),
                     {})  # fmt: skip
    assert "…' (5,000 characters) is not a month" in str(error)
    header = write(tmp_path / "h.csv", ",".join(f"column{i}" for i in range(500)) + "\n1\n")
    error = _refused(import_into, warehouse, "mps", header, {})
    assert "and 488 more" in (error.hint or "")


# -- files that are not files, and archives ------------------------------------------------


def test_a_named_pipe_is_refused_not_waited_on(warehouse, import_into, tmp_path) -> None:
    fifo = tmp_path / "2018-06-pipe-street.csv"
    os.mkfifo(fifo)

    # Should the import open it and wait, a writer arriving later ends the wait (with EOF).
    def unblock() -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(3, unblock)
    timer.start()
    try:
        error = _refused(import_into, warehouse, "police-uk", fifo, {})
    finally:
        timer.cancel()
    assert "this is not a regular file (it is a named pipe)" in str(error)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "2018-06-pipe-street.csv")
    error = _refused(import_into, warehouse, "police-uk", folder, {})
    assert "named pipe" in str(error)


def test_a_zip_bomb_is_refused_before_it_inflates(warehouse, import_into, tmp_path) -> None:
    archive = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("2018-06-metropolitan-street.csv", "w") as member,
    ):
        for _ in range(64):
            member.write(bytes(1 << 20))  # 64 MiB of zeros, about 64 KB compressed
    assert archive.stat().st_size < 1 << 20
    error = _refused(import_into, warehouse, "police-uk", archive, {})
    assert "possible zip bomb" in str(error)


def test_a_large_member_is_inflated_to_a_map_and_imported(
    warehouse, import_into, tmp_path, monkeypatch
) -> None:
    from saferplan.datastore import sources

    monkeypatch.setattr(sources, "MAP_THRESHOLD", 64)
    archive = tmp_path / "month.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2018-06/2018-06-metropolitan-street.csv", POLICE)
    (source,) = sources.expand_sources([archive], ("-street.csv",))
    assert not isinstance(source.data, bytes) and bytes(source.data) == POLICE.encode()
    (record,) = import_into("police-uk", archive).imported
    assert record.rows_kept == 1


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- found by the fuzz tests -----------------------------------------------------------------


def test_a_blank_line_in_a_population_file_is_skipped(warehouse, import_into, tmp_path) -> None:
    header, row = POPULATION.splitlines(keepends=True)
    import_into("population", write(tmp_path / "p_mid2019.csv", header + "\n" + row))
    query = "SELECT area_code, age_band, population FROM population ORDER BY 2"
    rows = warehouse.connect().execute(query).fetchall()
    assert rows == [("E01002112", "0-15", 300), ("E01002112", "all", 1500)]


def test_boundaries_without_a_name_column_import(warehouse, import_into, tmp_path) -> None:
    text = BOUNDARIES.replace("LSOA11NM", "").replace("Harrow 001A", "")
    import_into("boundaries", write(tmp_path / "unnamed.csv", text))
    rows = warehouse.connect().execute("SELECT area_code, area_name FROM boundaries").fetchall()
    assert rows == [("E01002112", None)]


@pytest.mark.parametrize("kind", ["police-uk", "population", "lookup", "boundaries"])
def test_an_unknown_column_is_ignored_only_saying_so(kind, warehouse, import_into, tmp_path):
    name, text, options = VALID[kind]
    header, row = text.splitlines()
    path = write(tmp_path / name, f"{header},Notes\n{row},checked by JS\n")
    (record,) = import_into(kind, path, **options).imported
    assert record.notes["ignored_columns"] == ["Notes"]


def test_the_import_summary_names_ignored_columns(tmp_path: Path) -> None:
    import subprocess
    import sys

    header, row = POLICE.splitlines()
    path = write(tmp_path / "2018-06-x-street.csv", f"{header},Notes\n{row},[b]checked[/b]\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "saferplan", "import", "police-uk", str(path)],
                          capture_output=True, text=True, env=env, check=True)  # fmt: skip
    assert "as import #1; ignored the columns 'Notes'" in done.stdout


def test_a_huge_column_name_is_cut_short_where_an_error_names_it(
    warehouse, import_into, tmp_path
) -> None:
    text = _cell("mps", "MajorText", "x" * 200_000).replace("Burglary", "a\x00b")
    error = _refused(import_into, warehouse, "mps", write(tmp_path / "mps.csv", text), {})
    assert "NUL" in str(error)
    assert isinstance(error, InputError) and error.column == "x" * 40 + "… (200,000 characters)"


def test_a_population_file_without_its_lsoa_code_column_is_not_read_as_boroughs(
    warehouse, import_into, tmp_path
) -> None:
    """Found by benchmarks/malformed_inputs.py: LSOA11CD renamed, LAD11CD was taken instead."""
    text = _cell("population", "LSOA11CD", "[/bold]")
    error = _refused(import_into, warehouse, "population", write(tmp_path / "p_mid2019.csv", text),
                     {})  # fmt: skip
    assert "a column 'LSOA11NM' but no 'LSOA11CD' column" in str(error)
    _located(error, 1, "LSOA11NM")


@pytest.mark.parametrize("kind", list(VALID))
def test_a_file_holding_only_a_byte_order_mark_is_empty(kind, warehouse, import_into, tmp_path):
    """Found by the fuzz tests: the lookup importer raised StopIteration."""
    name, _, options = VALID[kind]
    error = _refused(import_into, warehouse, kind, write_bytes(tmp_path / name, b"\xef\xbb\xbf \n"),
                     options)  # fmt: skip
    assert "the file is empty" in str(error)
