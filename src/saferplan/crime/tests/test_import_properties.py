"""Property: whatever a malformed CSV holds, an import either succeeds whole or raises
InputError, and a failed import stores nothing and leaves earlier imports as they were."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferplan.core.errors import InputError
from saferplan.datastore.importing import run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.warehouse import Warehouse

POLICE_HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
POLICE_ROW = ["id1", "2018-06", "MPS", "MPS", "-0.3", "51.6", "On or near X", "E01002112",
              "Harrow 001A", "Burglary", "Under investigation", ""]  # fmt: skip
MPS_HEADER = ["MajorText", "MinorText", "LookUp_BoroughName", "201801", "201802"]
MPS_ROW = ["Burglary", "Domestic Burglary", "Harrow", "12", "9"]

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2018-13", "abc", "-1", "1.5", "999", "E01", '"', ",", "\n", "NaN"]),
)


@st.composite
def mutated_csv(draw, header: list[str], row: list[str]) -> bytes:
    rows = [list(header)] + [list(row) for _ in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(cells)
    if draw(st.booleans()):
        r = draw(st.integers(1, len(rows) - 1))
        rows[r] = rows[r][: draw(st.integers(0, len(header)))]
    text = "\n".join(",".join(r) for r in rows) + draw(st.sampled_from(["\n", "", "\r\n"]))
    data = text.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-8-sig"])), errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 0:
        data += draw(st.binary(max_size=20))
    return data


def _check(kind: str, name: str, data: bytes, earlier: Path, options: dict | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "warehouse")
        run_import(kind, [earlier], warehouse=wh, options=options)
        records = ImportRecord.objects.count()
        catalog = wh.catalog_path.read_bytes()
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            outcome = run_import(kind, [path], warehouse=wh, options=options)
        except InputError:
            assert wh.catalog_path.read_bytes() == catalog
            assert ImportRecord.objects.count() == records
        else:
            if outcome.imported:
                assert ImportRecord.objects.count() == records + 1
                entries = [e for e in wh.entries() if e.import_id == outcome.imported[0].pk]
                assert sum(e.rows for e in entries) > 0
        finally:
            ImportRecord.objects.all().delete()


PROPERTY = settings(
    max_examples=int(os.environ.get("SAFERPLAN_FUZZ_EXAMPLES", "60")), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@PROPERTY
@given(data=mutated_csv(POLICE_HEADER, POLICE_ROW))
def test_police_uk_never_crashes_or_half_imports(db, tmp_path, data: bytes) -> None:
    earlier = tmp_path / "earlier-street.csv"
    earlier.write_text(",".join(POLICE_HEADER) + "\n" + ",".join(POLICE_ROW) + "\n")
    _check("police-uk", "fuzz-street.csv", data, earlier)


@PROPERTY
@given(data=mutated_csv(MPS_HEADER, MPS_ROW))
def test_mps_never_crashes_or_half_imports(db, tmp_path, data: bytes) -> None:
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(",".join(MPS_HEADER) + "\n" + ",".join(MPS_ROW) + "\n")
    _check("mps", "fuzz.csv", data, earlier)
