"""Fuzzing every warehouse importer with damaged copies of valid files: never a traceback,
always a message naming the file, and nothing stored when a file is refused.

``SAFERPLAN_FUZZ_EXAMPLES`` sets the number of files per importer (40 in the normal suite,
a few seconds each; more for a long run).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import event, given

from saferplan.core.errors import InputError
from saferplan.datastore.importing import run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.tests.fuzzing import (
    FUZZ,
    check_refused_or_whole,
    mutated_csv,
    mutated_text,
    snapshot,
)
from saferplan.datastore.warehouse import Warehouse
from saferplan.demo import DATA

POLICE = "".join(
    (DATA / "police_uk" / "harrow-2018-06-street.csv").read_text("utf-8").splitlines(True)[:40:8]
)
MPS = (
    "MajorText,MinorText,LookUp_BoroughName,201801,201802\n"
    "Burglary,Domestic Burglary,Harrow,12,9\n"
    "Robbery,Personal Property,Harrow,3,0\n"
)
MPS_WARD = (
    "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202201,202202\n"
    "Burglary,Domestic,Canons,E05013554,Harrow,3,4\n"
    "Burglary,Domestic,Edgware,E05013555,Harrow,1,0\n"
)
LSOA_ANNUAL = (
    "LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,2018,2019\n"
    "E01002112,Harrow 001A,E02000001,Harrow 001,E09000015,Harrow,5,7\n"
    "E01002113,Harrow 001B,E02000001,Harrow 001,E09000015,Harrow,0,2\n"
)
POPULATION = (
    "LSOA11CD,LSOA11NM,LAD11CD,LAD11NM,Persons_All-Ages,Persons_0-15,Males_All-Ages\n"
    "E01002112,Harrow 001A,E09000015,Harrow,1500,300,740\n"
    "E01002113,Harrow 001B,E09000015,Harrow,1600,310,800\n"
)
POPULATION_LONG = (
    "area_code,area_name,year,sex,age_band,population\n"
    "E09000015,Harrow,2019,persons,all,251160\n"
    "E09000015,Harrow,2019,males,10-17,12000\n"
)
LOOKUP = (
    "LSOA11CD,LSOA11NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
    "E01002112,Harrow 001A,E05013554,Canons,E09000015,Harrow\n"
    "E01002113,Harrow 001B,E05013554,Canons,E09000015,Harrow\n"
)
BOUNDARIES = "".join(
    line[:60] + '"POLYGON ((515000 190000, 515100 190000, 515100 190100, 515000 190000))"\n'
    if n
    else line
    for n, line in enumerate(
        ["LSOA11CD,LSOA11NM,geometry\n", "E01002112,Harrow 001A,", "E01002113,Harrow 001B,"]
    )
)
GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LAD22CD": "E09000015", "LAD22NM": "Harrow"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[-0.33, 51.58], [-0.30, 51.58], [-0.30, 51.60], [-0.33, 51.58]]
                    ],
                },
            }
        ],
    }
)


def _fuzz(kind: str, tmp_path: Path, name: str, data: bytes, options: dict[str, Any]) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")

    def run(path: Path) -> Any:
        return run_import(kind, [path], options=options, warehouse=warehouse)

    error = check_refused_or_whole(
        run, name, data, lambda: snapshot(warehouse.root, ImportRecord.objects.count)
    )
    event("imported" if error is None else f"refused: {error.problem[:40]}" if isinstance(
        error, InputError) else "refused")  # fmt: skip


@FUZZ
@given(data=mutated_csv(POLICE))
def test_police_uk(db, tmp_path, data: bytes) -> None:
    _fuzz("police-uk", tmp_path, "2018-06-fuzz-street.csv", data, {})


@FUZZ
@given(data=mutated_csv(MPS) | mutated_csv(MPS_WARD))
def test_mps(db, tmp_path, data: bytes) -> None:
    _fuzz("mps", tmp_path, "mps.csv", data, {})


@FUZZ
@given(data=mutated_csv(LSOA_ANNUAL))
def test_lsoa_annual(db, tmp_path, data: bytes) -> None:
    _fuzz("lsoa-annual", tmp_path, "london-2011-2021-major-burglary.csv", data, {})


@FUZZ
@given(data=mutated_csv(POPULATION) | mutated_csv(POPULATION_LONG))
def test_population(db, tmp_path, data: bytes) -> None:
    _fuzz("population", tmp_path, "lsoa_population_mid2019.csv", data, {})


@FUZZ
@given(data=mutated_csv(LOOKUP))
def test_lookup(db, tmp_path, data: bytes) -> None:
    _fuzz("lookup", tmp_path, "lookup.csv", data, {})


@FUZZ
@given(data=mutated_csv(BOUNDARIES))
def test_boundaries_wkt(db, tmp_path, data: bytes) -> None:
    _fuzz("boundaries", tmp_path, "lsoa.csv", data, {})


@FUZZ
@given(data=mutated_text(GEOJSON, ["nan", "1e400", '"Point"', "null", "[]", "E0", "\x00", "{"]))
def test_boundaries_geojson(db, tmp_path, data: bytes) -> None:
    _fuzz("boundaries", tmp_path, "boroughs.geojson", data, {})
