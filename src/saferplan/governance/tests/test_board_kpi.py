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
    said = "extract.zip, 2 May 2019"
    rows = kpis.kpis(records(), START, END, "2018/19", 10_000, board_meetings=recorded,
                     extract=said)  # fmt: skip
    found = _attendance("kpi_board_attendance", rows)
    assert (found.numerator, found.denominator, found.value) == (3, 5, 60.0)
    # Both in the period: the records win, and the figure says so.
    assert found.source == (
        "from meeting records (2 meetings); the imported extract's 4 places in the period "
        "are not used, as meeting records win"
    )
    # None recorded in the period (or none at all): the extract's table, as before (3 of 4).
    for empty in (None, recorded.iloc[0:0]):
        found = _attendance(
            "kpi_board_attendance", kpis.kpis(records(), START, END, "x", 1, empty, said)
        )
        assert (found.numerator, found.denominator) == (3, 4)
        assert found.source == "from the imported extract (extract.zip, 2 May 2019)"
    # Recorded meetings and an extract with no places in the period: records, nothing more.
    later = recorded.assign(meeting_date=recorded["meeting_date"] + pd.DateOffset(years=3))
    found = kpis.board_attendance(records()["board"], date(2021, 4, 1), date(2022, 3, 31), "x",
                                  later, said)  # fmt: skip
    assert found.source == "from meeting records (2 meetings)"


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
    assert found.source.startswith("from meeting records (2 meetings)")
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


@pytest.mark.django_db
def test_the_dashboard_and_its_downloads_say_each_figures_source(partnership, tmp_path) -> None:
    import csv
    import io

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from saferplan.accounts.models import Membership, Organisation
    from saferplan.datastore.models import ImportRecord
    from saferplan.youthjustice.store import import_extract

    import_extract(_extract(tmp_path / "extract"), user="tester")
    [record] = [r for r in ImportRecord.objects.filter(kind="youth-justice")
                if r.file_name.endswith("board.csv")]  # fmt: skip
    when = timezone.localtime(record.finished_at)
    extract = f"from the imported extract ({record.file_name}, {when.day} {when:%B %Y})"
    user = get_user_model().objects.create(username="yj")
    yot = Organisation.objects.create(partnership=partnership, name="YOT", kind="council")
    Membership.objects.create(user=user, partnership=partnership, organisation=yot,
                              roles=["youth_justice"])  # fmt: skip
    client = Client()
    client.force_login(user)
    url = "/youth-justice/?period=2019-20&population=20000"

    def source() -> tuple[str, str]:
        page = client.get(url).content.decode()
        rows = csv.DictReader(
            io.StringIO(client.get(url + "&format=csv").content.decode("utf-8-sig"))
        )
        [row] = [r for r in rows if r["indicator"] == "kpi_board_attendance"]
        return page, row["source"]

    page, said = source()
    assert said == extract and f"Figure {extract}" in page
    board = harrow_board(partnership)
    meeting = Meeting.objects.create(body=board, held_on=date(2019, 5, 10))
    for m in board.members.all():
        Attendance.objects.create(meeting=meeting, member=m, status="present")
    # The extract's places in 2019-20, counted here from the file the extract was written as.
    with (tmp_path / "extract" / "board.csv").open(newline="", encoding="utf-8") as f:
        places = sum(
            1 for r in csv.DictReader(f) if "2019-04-01" <= r["meeting_date"] <= "2020-03-31"
        )
    page, said = source()
    recorded = "from meeting records (1 meeting)"
    assert places and said == (f"{recorded}; the imported extract's {places} places in the "
                               "period are not used, as meeting records win")  # fmt: skip
    assert f"Figure {recorded}" in page


def test_a_documents_figures_say_where_the_attendance_came_from() -> None:
    from saferplan.documents.blocks.youthjustice import indicator_figures
    from saferplan.documents.figures import Book

    book = Book("2020-03-31")
    recorded = kpis.Indicator("kpi_board_attendance", "2019/20", 12, 14, 85.71, "%", 100,
                              "from meeting records (2 meetings)")  # fmt: skip
    imported = kpis.Indicator("kpi_board_attendance", "2018/19", 3, 4, 75.0, "%", 100,
                              "from the imported extract (board.csv, 2 May 2019)")  # fmt: skip
    indicator_figures(book, recorded, "kpi.board-attendance", "2020-03-31")
    indicator_figures(book, imported, "kpi.board-attendance.previous", "2020-03-31")
    sources = {fid: f["source"] for fid, f in book.figures.items() if f["derive"] is None}
    assert sources == {
        "kpi.board-attendance.count": "meeting records (2 meetings)",
        "kpi.board-attendance.of": "meeting records (2 meetings)",
        "kpi.board-attendance.previous.count":
            "the imported extract (board.csv, 2 May 2019)",
        "kpi.board-attendance.previous.of":
            "the imported extract (board.csv, 2 May 2019)",
    }  # fmt: skip
