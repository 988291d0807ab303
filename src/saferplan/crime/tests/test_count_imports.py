"""MPS and LSOA-annual count files: figures equal the raw files', bad input refused exactly."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from conftest import write

from saferplan.core.errors import InputError
from saferplan.datastore.models import ImportRecord
from saferplan.demo import DATA

BOROUGH = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
BOROUGH_NEW = DATA / "mps_borough_monthly_2021-12_2023-11.csv"
WARD = DATA / "mps_ward_monthly_2021-12_2023-11.csv"
LSOA_BURGLARY = DATA / "lsoa_annual_by_major_category" / "london-2011-2021-major-burglary.csv"
LSOA_BICYCLE = DATA / "lsoa_annual_by_major_category" / "london-2011-2021-minor-theft-bicycle.csv"


def _raw_sum(path, area_column, area, months) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(
            int(r[m]) for r in csv.DictReader(handle) if r[area_column] == area for m in months
        )


def test_borough_totals_equal_the_raw_file(warehouse, import_into) -> None:
    import_into("mps", BOROUGH)
    months = [f"2018{m:02d}" for m in range(1, 13)]
    expected = _raw_sum(BOROUGH, "LookUp_BoroughName", "Harrow", months)
    assert expected == 14888
    got = (
        warehouse.connect()
        .execute(
            "SELECT sum(count) FROM crime_counts WHERE level = 'borough' AND area_name = 'Harrow' "
            "AND period_start BETWEEN DATE '2018-01-01' AND DATE '2018-12-01'"
        )
        .fetchone()
    )
    assert got == (expected,)
    london = (
        warehouse.connect()
        .execute("SELECT sum(count) FROM crime_counts WHERE year(period_start) = 2018")
        .fetchone()
    )
    assert london == (840589,)


def test_ward_file_keeps_airport_rows_apart(warehouse, import_into) -> None:
    import_into("mps", WARD)
    con = warehouse.connect()
    wards = con.execute(
        "SELECT count(DISTINCT area_code) FROM crime_counts WHERE borough = 'Harrow'"
    ).fetchone()
    assert wards == (22,)
    months = [f"2022{m:02d}" for m in range(1, 13)]
    with open(WARD, newline="", encoding="utf-8") as handle:
        expected = sum(
            int(r[m]) for r in csv.DictReader(handle)
            if r["WardCode"] == "E05013570" and r["LookUp_BoroughName"] == "Aviation Security (SO18)"
            for m in months
        )  # fmt: skip
    got = con.execute(
        "SELECT sum(count) FROM crime_counts WHERE area_code = 'E05013570' "
        "AND borough = 'Aviation Security (SO18)' AND year(period_start) = 2022"
    ).fetchone()
    assert got == (expected,)


def test_overlapping_newer_file_replaces_only_its_months(warehouse, import_into, tmp_path) -> None:
    first = write(tmp_path / "a.csv", "MajorText,MinorText,LookUp_BoroughName,201801,201802\n"
                  "Burglary,Domestic Burglary,Harrow,10,20\n")  # fmt: skip
    second = write(tmp_path / "b.csv", "MajorText,MinorText,LookUp_BoroughName,201802,201803\n"
                   "Burglary,Domestic Burglary,Harrow,25,30\n")  # fmt: skip
    import_into("mps", first)
    import_into("mps", second)
    rows = (
        warehouse.connect()
        .execute("SELECT period_start, count FROM crime_counts ORDER BY 1")
        .fetchall()
    )
    assert rows == [(date(2018, 1, 1), 10), (date(2018, 2, 1), 25), (date(2018, 3, 1), 30)]


def test_lsoa_annual_categories_and_figures(warehouse, import_into) -> None:
    import_into("lsoa-annual", LSOA_BURGLARY, LSOA_BICYCLE)
    with open(LSOA_BURGLARY, newline="", encoding="utf-8") as handle:
        expected = sum(float(r["2018"]) for r in csv.DictReader(handle) if r["LAD11NM"] == "Harrow")
    con = warehouse.connect()
    got = con.execute(
        "SELECT sum(count) FROM crime_counts WHERE borough = 'Harrow' AND major = 'Burglary' "
        "AND year(period_start) = 2018"
    ).fetchone()
    assert got == (int(expected),)
    minors = con.execute("SELECT DISTINCT major, minor FROM crime_counts ORDER BY 1, 2").fetchall()
    assert minors == [("Burglary", None), ("Theft", "Bicycle Theft")]


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("MajorText,MinorText,LookUp_BoroughName,201813\nBurglary,Domestic,Harrow,1\n", 1, "201813",
         "'201813' is not a month column heading"),
        ("MajorText,MinorText,LookUp_BoroughName,201801\nBurglary,Domestic,Harrow,many\n", 2, "201801",
         "'many' is not a whole number"),
        ("MajorText,MinorText,LookUp_BoroughName,201801\nBurglary,Domestic,Harrow,-3\n", 2, "201801",
         "'-3' is negative"),
        ("MajorText,MinorText,LookUp_BoroughName,201801\nBurglary,Domestic,Harrow,\n", 2, "201801",
         "the count is empty"),
        ("MajorText,MinorText,LookUp_BoroughName,201801,201802\nBurglary,Domestic,Harrow,1\n", 2, None,
         "is the file truncated"),
        ("MajorText,MinorText,LookUp_BoroughName,201801\nBurglary,Domestic,Harrow,1\n"
         "Burglary,Domestic,Harrow,2\n", 3, None, "appear again (first on row 2)"),
        ("MajorText,MinorTxt,LookUp_BoroughName,201801\nBurglary,Domestic,Harrow,1\n", 1, "MinorTxt",
         "expected a column 'MinorText' but found 'MinorTxt'"),
        ("MajorText,MinorText,LookUp_BoroughName\nBurglary,Domestic,Harrow\n", 1, None,
         "no month columns"),
        ("MajorText,MinorText,LookUp_BoroughName,201801\n", 2, None, "has a header but no rows"),
        ("", None, None, "the file is empty"),
    ],
)  # fmt: skip
def test_bad_mps_files(warehouse, import_into, tmp_path, text, row, column, message) -> None:
    import_into("mps", BOROUGH_NEW)
    before = warehouse.catalog_path.read_bytes()
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(InputError) as caught:
        import_into("mps", path)
    assert message in caught.value.problem
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(path), row, column)
    assert warehouse.catalog_path.read_bytes() == before
    assert ImportRecord.objects.count() == 1


def test_windows_1252_crlf_and_bom_count_files(warehouse, import_into, tmp_path) -> None:
    text = "MajorText,MinorText,LookUp_BoroughName,201801\r\nBurglary,Café,Harrow,4\r\n"
    import_into("mps", write(tmp_path / "w.csv", text, "cp1252"))
    import_into("mps", write(tmp_path / "b.csv", "\ufeff" + text.replace("201801", "201802")))
    rows = warehouse.connect().execute("SELECT minor, count FROM crime_counts").fetchall()
    assert rows == [("Café", 4), ("Café", 4)]


def test_lsoa_annual_rejects_fractions_and_unknown_names(warehouse, import_into, tmp_path) -> None:
    header = "LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,2018\n"
    bad = write(tmp_path / "london-major-burglary.csv",
                header + "E01002112,Harrow 001A,E02,Harrow 001,E09000015,Harrow,2.5\n")  # fmt: skip
    with pytest.raises(InputError, match=r"'2\.5' is not a whole number") as caught:
        import_into("lsoa-annual", bad)
    assert (caught.value.row, caught.value.column) == (2, "2018")
    unknown = write(tmp_path / "counts.csv", header + "E01002112,A,B,C,D,Harrow,2\n")
    with pytest.raises(InputError, match="cannot be told from the file name"):
        import_into("lsoa-annual", unknown)
    assert warehouse.entries() == []


WARD_HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,"


def test_ward_files_of_two_vintages_overlap_without_replacing_each_other(
    warehouse, import_into, tmp_path
) -> None:
    """The 2018-ward series runs to August 2022 and the 2022-ward series starts in December
    2021: a month in both was one partition, so the later import hid the other's wards."""
    old = write(tmp_path / "wards2018.csv", WARD_HEADER + "202111,202112\n"
                "Burglary,Domestic Burglary,Pinner,E05000297,Harrow,3,4\n")  # fmt: skip
    new = write(tmp_path / "wards2022.csv", WARD_HEADER + "202112,202201\n"
                "Burglary,Domestic Burglary,Pinner,E05013566,Harrow,5,6\n")  # fmt: skip
    (first,) = import_into("mps", old).imported
    (second,) = import_into("mps", new).imported
    assert (first.notes["vintage"], second.notes["vintage"]) == ("2018", "2022")
    rows = (
        warehouse.connect()
        .execute(
            "SELECT area_code, vintage, count FROM crime_counts WHERE period_start = DATE "
            "'2021-12-01' ORDER BY 1"
        )
        .fetchall()
    )
    assert rows == [("E05000297", "2018", 4), ("E05013566", "2022", 5)]


def test_a_ward_files_vintage_can_be_named(warehouse, import_into, tmp_path) -> None:
    text = WARD_HEADER + "202201\nBurglary,Domestic Burglary,Pinner,E05000297,Harrow,3\n"
    (record,) = import_into("mps", write(tmp_path / "w.csv", text), vintage="2018").imported
    assert record.notes["vintage"] == "2018"  # by its first month it would be 2022
    with pytest.raises(InputError, match="the vintage '18' is not a year"):
        import_into("mps", write(tmp_path / "x.csv", text.replace(",3\n", ",4\n")), vintage="18")
    borough = import_into("mps", write(tmp_path / "b.csv", "MajorText,MinorText,"
                          "LookUp_BoroughName,202201\nBurglary,Domestic Burglary,Harrow,3\n"))  # fmt: skip
    assert "vintage" not in borough.imported[0].notes
