"""The YJB board attendance KPI: from the YOT management board's recorded meetings when
the partnership has recorded attendance in the period, else from the imported extract."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from saferplan.governance import reading, tables
from saferplan.governance.models import Attendance, Meeting
from saferplan.governance.tests.samples import harrow_board
from saferplan.indicators import registry
from saferplan.youthjustice import kpis
from saferplan.youthjustice.tests.test_kpis import END, START, records


def _attendance(key: str, rows: list[kpis.Indicator]) -> kpis.Indicator:
    return next(r for r in rows if r.indicator == key)


def test_recorded_meetings_are_used_when_there_are_any_in_the_period() -> None:
    recorded = pd.DataFrame(
        [(date(2018, 6, 1), "Police", True), (date(2018, 6, 1), "Health", False),
         (date(2018, 9, 1), "Police", True), (date(2018, 9, 1), "Health", True),
         (date(2018, 9, 1), "Education", False)],
        columns=["meeting_date", "partner", "attended"],
    )  # fmt: skip
    rows = kpis.kpis(records(), START, END, "2018/19", 10_000, board_meetings=recorded)
    found = _attendance("kpi_board_attendance", rows)
    assert (found.numerator, found.denominator, found.value) == (3, 5, 60.0)
    # None recorded in the period (or none at all): the extract's table, as before (3 of 4).
    for empty in (None, recorded.iloc[0:0]):
        found = _attendance("kpi_board_attendance", kpis.kpis(records(), START, END, "x", 1, empty))
        assert (found.numerator, found.denominator) == (3, 4)


def test_the_registry_says_which_records_the_kpi_uses() -> None:
    definition = registry.get("kpi_board_attendance").definition
    assert "recorded in saferplan" in definition and "imported extract" in definition


def _extract(folder):  # type: ignore[no-untyped-def]
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.synth import generate_cohort

    write_tables(generate_cohort(children=60, seed=3).tables(), folder)
    return folder


@pytest.mark.django_db
def test_the_kpi_and_the_plans_board_table_agree(partnership, tmp_path) -> None:
    from saferplan.youthjustice import service
    from saferplan.youthjustice.store import import_extract

    import_extract(_extract(tmp_path / "extract"), user="tester")
    board = harrow_board(partnership)
    members = list(board.members.all())
    # 10 May 2019: Health's two members and the magistrate send apologies, the rest come;
    # 21 June 2019: everyone comes, the Chair by a deputy. 7 partners at each meeting.
    first = Meeting.objects.create(body=board, held_on=date(2019, 5, 10))
    second = Meeting.objects.create(body=board, held_on=date(2019, 6, 21))
    for m in members:
        away = m.organisation in ("Health", "Judiciary")
        Attendance.objects.create(
            meeting=first, member=m, status="apologies" if away else "present"
        )
        Attendance.objects.create(
            meeting=second, member=m, status="deputy" if m.role == "Chair" else "present"
        )
    Meeting.objects.create(body=board, held_on=date(2019, 9, 1))  # no attendance recorded
    found = _attendance("kpi_board_attendance", service.kpis_for("2019-20", 20_000))
    # 5 of 7 partners at the first, 7 of 7 at the second: 12 of 14 = 85.71%.
    assert (found.numerator, found.denominator, found.value) == (12, 14, 85.71)
    block = tables.board_membership_and_attendance(
        *reading.board(), date(2019, 4, 1), date(2020, 3, 31)
    )
    assert (block.attended, block.places, block.meetings) == (12, 14, 2)
    assert len(block.rows) == 19
    # A year with no recorded meetings falls back to the extract's board table.
    extract = service.Records.read().tables["board"]
    in_year = extract[pd.to_datetime(extract["meeting_date"]).between("2018-04-01", "2019-03-31")]
    earlier = _attendance("kpi_board_attendance", service.kpis_for("2018-19", 20_000))
    assert (earlier.numerator, earlier.denominator) == (
        int(in_year["attended"].sum()),
        len(in_year),
    )
    assert earlier.denominator > 0
