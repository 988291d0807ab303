"""Population, lookup and boundary imports, and the queries that use them."""

from __future__ import annotations

import csv
import json

import pytest
import shapely
from conftest import write

from saferplan.core.errors import InputError, NotFoundError
from saferplan.demo import DATA
from saferplan.geography.areas import resolve_area
from saferplan.geography.boundaries import boundaries_frame
from saferplan.geography.population import populations

POP = DATA / "lsoa_population_mid2019.csv"


def test_lsoa_population_figures_and_borough_aggregation(warehouse, import_into) -> None:
    (record,) = import_into("population", POP).imported
    assert record.dataset_name == "ONS mid-2019 lsoa estimates"
    with open(POP, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    harrow = sum(int(r["Persons_All-Ages"]) for r in rows if r["LAD11NM"] == "Harrow")
    assert harrow == 251160
    assert sum(int(r["Persons_All-Ages"]) for r in rows) == 8961989
    con = warehouse.connect()
    figures = populations(con, "borough", ["Harrow", "E09000005", "Nowhere"], 2018)
    assert figures["Harrow"].value == harrow
    assert figures["Harrow"].year == 2019
    assert "Nowhere" not in figures
    young = populations(con, "borough", ["Harrow"], 2019, age_band="0-15")["Harrow"].value
    assert young == sum(int(r["Persons_0-15"]) for r in rows if r["LAD11NM"] == "Harrow")


def test_single_year_of_age_file_and_age_ranges(warehouse, import_into, tmp_path) -> None:
    ages = ",".join(str(a) for a in range(90)) + ",90+"
    values = [10] * 90 + [5]
    text = (
        f"Code,Name,All Ages,{ages}\nE09000015,Harrow,{sum(values)},{','.join(map(str, values))}\n"
    )
    import_into("population", write(tmp_path / "mid-2021-lad.csv", text))
    con = warehouse.connect()
    assert populations(con, "borough", ["Harrow"], 2021, age_band="10-17")["Harrow"].value == 80
    wrong = text.replace(f",{sum(values)},", ",99,")
    with pytest.raises(InputError, match="add up to 905, not the 99") as caught:
        import_into("population", write(tmp_path / "mid-2022-lad.csv", wrong))
    assert caught.value.row == 2


def test_nearest_year_rule(warehouse, import_into, tmp_path) -> None:
    long = "area_code,area_name,year,age_band,population\n"
    for year, value in ((2015, 100), (2017, 110), (2020, 130)):
        long += f"E09000015,Harrow,{year},all,{value}\n"
    import_into("population", write(tmp_path / "long.csv", long), name="Test set")
    con = warehouse.connect()
    pick = {
        y: populations(con, "borough", ["Harrow"], y)["Harrow"].year for y in (2017, 2018, 2014)
    }
    assert pick == {2017: 2017, 2018: 2017, 2014: 2015}


def test_population_needs_a_year(warehouse, import_into, tmp_path) -> None:
    path = write(tmp_path / "pop.csv", "LSOA11CD,Persons_All-Ages\nE01002112,10\n")
    with pytest.raises(InputError, match="year of the estimates"):
        import_into("population", path)
    with pytest.raises(InputError, match="'ten' is not a whole number") as caught:
        import_into("population", write(tmp_path / "p2.csv", "LSOA11CD,Persons_All-Ages\nE01002112,ten\n"),
                    year=2019)  # fmt: skip
    assert (caught.value.row, caught.value.column) == (2, "Persons_All-Ages")


def test_lookup_aggregates_wards_and_beats_derived_pairs(warehouse, import_into, tmp_path) -> None:
    import_into("population", POP)
    lookup = "LSOA11CD,LSOA11NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
    lookup += "E01002112,Harrow 001A,E05000001,Test Ward,E09000015,Harrow\n"
    lookup += "E01002113,Harrow 001B,E05000001,Test Ward,E09000015,Harrow\n"
    import_into("lookup", write(tmp_path / "lookup.csv", lookup))
    with open(POP, newline="", encoding="utf-8") as handle:
        values = {r["LSOA11CD"]: int(r["Persons_All-Ages"]) for r in csv.DictReader(handle)}
    ward = populations(warehouse.connect(), "ward", ["Test Ward"], 2019)["Test Ward"]
    assert ward.value == values["E01002112"] + values["E01002113"]
    with pytest.raises(InputError, match="'X1' is not an LSOA code"):
        import_into("lookup", write(tmp_path / "bad.csv", lookup.replace("E01002113", "X1")))


def test_boundaries_from_wkt_and_shapefile(warehouse, import_into) -> None:
    import_into("boundaries", DATA / "lsoa2011_boundaries_bng.csv",
                DATA / "borough_boundaries" / "london-2021-lad22-gen20.shp")  # fmt: skip
    import_into("population", POP)
    con = warehouse.connect()
    assert len(boundaries_frame(con, "lsoa")) == 4835
    boroughs = boundaries_frame(con, "borough")
    assert len(boroughs) == 33
    harrow = boundaries_frame(con, "lsoa", "Harrow")
    assert len(harrow) == 137
    assert harrow.crs.to_epsg() == 27700
    x, y = harrow.union_all().centroid.coords[0]
    assert 510_000 < x < 525_000 and 185_000 < y < 195_000


def test_geojson_is_reprojected_and_checked(warehouse, import_into, tmp_path) -> None:
    square = shapely.Polygon([(-0.34, 51.58), (-0.33, 51.58), (-0.33, 51.59), (-0.34, 51.59)])
    feature = {"type": "Feature", "properties": {"WD22CD": "E05000001", "WD22NM": "Test"},
               "geometry": shapely.geometry.mapping(square)}  # fmt: skip
    doc = {"type": "FeatureCollection", "features": [feature]}
    import_into("boundaries", write(tmp_path / "w.geojson", json.dumps(doc)))
    frame = boundaries_frame(warehouse.connect(), "ward")
    x, y = frame.geometry.iloc[0].centroid.coords[0]
    assert 515_000 < x < 518_000 and 187_000 < y < 190_000
    feature["geometry"] = shapely.geometry.mapping(shapely.affinity.translate(square, 80, 0))
    with pytest.raises(InputError, match="outside Great Britain") as caught:
        import_into("boundaries", write(tmp_path / "far.geojson", json.dumps(doc)))
    assert caught.value.row == 1


def test_bad_wkt_is_located(warehouse, import_into, tmp_path) -> None:
    text = 'LSOA11CD,LSOA11NM,geometry\nE01002112,A,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\nE01002113,B,POLYGN\n'
    with pytest.raises(InputError, match="not valid WKT") as caught:
        import_into("boundaries", write(tmp_path / "b.csv", text))
    assert (caught.value.row, caught.value.column) == (3, "geometry")


def test_resolve_area_suggests(demo_warehouse) -> None:
    con = demo_warehouse.connect()
    assert resolve_area(con, "harrow").name == "Harrow"
    assert resolve_area(con, "E09000015").name == "Harrow"
    with pytest.raises(NotFoundError) as caught:
        resolve_area(con, "Harow", "borough")
    assert "Harrow" in (caught.value.hint or "")


def test_areas_are_cached_per_connection_not_per_id(db, tmp_path) -> None:
    """The cache was keyed by id(con): a connection given a freed one's id (the rule, not
    the exception) was handed the other warehouse's areas."""
    import gc

    from saferplan.datastore.importing import run_import
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.areas import list_areas

    first, second = Warehouse(tmp_path / "a"), Warehouse(tmp_path / "b")
    long = "area_code,area_name,year,age_band,population\n"
    for wh, (code, name) in ((first, ("E09000003", "Barnet")), (second, ("E09000015", "Harrow"))):
        path = write(tmp_path / f"{name}.csv", f"{long}{code},{name},2019,all,1000\n")
        run_import("population", [path], options={"name": name}, user="t", warehouse=wh)
    ids = set()
    for wh, name in [(first, "Barnet"), (second, "Harrow")] * 3:
        con = wh.connect()
        ids.add(id(con))
        assert [a.name for a in list_areas(con, "borough")] == [name]
        del con
        gc.collect()
    assert len(ids) < 6  # ids were handed on, so the old cache would have mixed them up


def test_lookups_and_boundaries_carry_their_ward_vintage(warehouse, import_into, tmp_path):
    """A 2018 lookup and a 2022 lookup of the same LSOA are both kept, each with its year
    (from the ONS column name, or as the import names it)."""
    old = write(tmp_path / "old.csv", "LSOA11CD,WD18CD,WD18NM,LAD18CD\n"
                "E01002175,E05000297,Pinner,E09000015\n")  # fmt: skip
    new = write(tmp_path / "new.csv", "lsoa_code,ward_code,ward_name,lad_code\n"
                "E01002175,E05013566,Pinner,E09000015\n")  # fmt: skip
    import_into("lookup", old)
    import_into("lookup", new, vintage="2022")
    rows = (
        warehouse.connect()
        .execute("SELECT ward_code, vintage FROM area_lookup ORDER BY 1")
        .fetchall()
    )
    assert rows == [("E05000297", "2018"), ("E05013566", "2022")]
    square = "POLYGON ((520000 188000, 521000 188000, 521000 189000, 520000 188000))"
    shapes = write(tmp_path / "wards.csv", f'WD18CD,WD18NM,geometry\nE05000297,Pinner,"{square}"\n')
    import_into("boundaries", shapes)
    found = warehouse.connect().execute("SELECT level, vintage FROM boundaries").fetchall()
    assert found == [("ward", "2018")]
