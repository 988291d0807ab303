"""The synthetic national archive (benchmarks/national.py) is police.uk's layout, imports
through the normal police.uk import, and is the same every time for the same seed."""

from __future__ import annotations

import csv
from collections import Counter

from saferplan.demo import DATA, national

HARROW = DATA / "police_uk" / "harrow-2018-06-street.csv"


def test_archive_has_police_uk_layout_and_the_rows_asked_for(tmp_path, import_into) -> None:
    written = list(national.write_archive(tmp_path / "a", 5_000, years=1))
    assert len(written) == 43 * 12 and sum(n for _, n in written) == 5_000
    first = written[0][0]
    assert first.relative_to(tmp_path / "a").as_posix() == (
        "2014-01/2014-01-avon-and-somerset-street.csv"
    )
    with open(HARROW, newline="", encoding="utf-8") as handle:
        real_header = next(csv.reader(handle))
    with open(first, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == real_header
    assert {r[7][:3] for r in rows[1:]} <= {"E01", "W01"}
    assert {r[9] for r in rows[1:]} <= set(national.CRIME_TYPES)

    again = list(national.write_archive(tmp_path / "b", 5_000, years=1))
    assert [p.read_bytes() for p, _ in again] == [p.read_bytes() for p, _ in written]

    outcome = import_into("police-uk", first)
    assert outcome.imported and outcome.imported[0].rows_kept == written[0][1]


def test_areas_cover_every_lsoa_once_within_their_force() -> None:
    areas = national.areas()
    lsoas = Counter(code for a in areas for code in a.lsoas)
    assert len(lsoas) == national.ENGLISH_LSOAS + national.WELSH_LSOAS
    assert set(lsoas.values()) == {1}
    assert {a.force for a in areas} == set(national.FORCES)
    assert all(a.code.startswith("W06") == (a.force in national.WELSH) for a in areas)
