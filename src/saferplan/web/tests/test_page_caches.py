"""Figures a page keeps between requests are kept only while what they come from is
unchanged (issue #12, item 5): the youth justice dashboard's populations aged 10-17 are
looked up once per warehouse catalog, and an import is seen at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplan.core.errors import SaferplanError
from saferplan.datastore.importing import run_import
from saferplan.datastore.warehouse import Warehouse
from saferplan.web import yj_views


def _population_file(path: Path, value: int) -> Path:
    path.write_text(f"area_code,area_name,year,age_band,population\n"
                    f"E09000015,Harrow,2019,10-17,{value}\n")  # fmt: skip
    return path


def test_the_dashboard_population_is_looked_up_once_until_an_import(
    demo_scope, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(yj_views, "_POPULATIONS", {}, raising=False)
    demo_scope.youth_justice_area = "Harrow"
    demo_scope.save()
    connects = []
    connect = Warehouse.connect
    monkeypatch.setattr(Warehouse, "connect", lambda self: connects.append(1) or connect(self))
    for _ in range(2):  # none imported yet: said each time, found out once
        with pytest.raises(SaferplanError, match="no population estimates"):
            yj_views._population(None, 2019)
    assert len(connects) == 1
    connects.clear()
    run_import("population", [_population_file(tmp_path / "first.csv", 1000)],
               options={"name": "First set"}, user="tester")  # fmt: skip
    assert [yj_views._population(None, 2019).value for _ in range(3)] == [1000] * 3
    assert len(connects) == 1  # once, then from what the process kept
    run_import("population", [_population_file(tmp_path / "second.csv", 2000)],
               options={"name": "Second set"}, user="tester")  # fmt: skip
    assert yj_views._population(None, 2019).value == 2000  # the newer import, at once
    assert yj_views._population(12345, 2019).value == 12345  # a given figure, as given


def test_a_trend_chart_is_drawn_once_for_the_same_figures_and_again_for_new_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dashboard's trend charts are kept per figures drawn: the same points are not
    drawn again, and a changed figure (a new extract) is drawn afresh, never the old PNG."""
    from types import SimpleNamespace

    from saferplan.reports import charts

    yj_views._trend_png.cache_clear()
    drawn: list[object] = []
    draw = charts.trend_chart

    def counted(title: str, points: list, *args: object, **kwargs: object) -> bytes:
        drawn.append(points)
        return draw(title, points, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "trend_chart", counted)
    key = next(iter(yj_views.registry.charts()))
    units = {key: "per 1,000"}
    before = {key: [SimpleNamespace(label="2019", value=3.1)]}
    first = yj_views._charts(before, units)
    assert yj_views._charts(before, units) == first and len(drawn) == 1
    changed = yj_views._charts({key: [SimpleNamespace(label="2019", value=4.2)]}, units)
    assert len(drawn) == 2 and changed[0]["src"] != first[0]["src"]
    assert "2019 4.2" in changed[0]["alt"]


def _extracts(folder: Path) -> tuple[Path, Path]:
    """One synthetic cohort as two extracts, each with its own children (and all that is
    theirs); the board's meetings come with the first."""
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.synth import generate_cohort

    tables = generate_cohort(children=160, seed=7).tables()
    later = set(tables["children"]["child_ref"][80:])
    child_of_offence = tables["offences"].set_index("offence_id")["child_ref"]
    paths = []
    for n in (0, 1):
        part = {}
        for name, frame in tables.items():
            if "child_ref" in frame:
                refs = frame["child_ref"]
            elif name == "victims":
                refs = frame["offence_id"].map(child_of_offence)
            else:
                part[name] = frame if n == 0 else frame.iloc[:0]
                continue
            part[name] = frame[refs.isin(later) == bool(n)]
        write_tables(part, folder / f"extract-{n}")
        paths.append(folder / f"extract-{n}")
    return paths[0], paths[1]


def test_the_dashboard_computes_its_figures_once_per_import(
    demo_scope, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The youth justice dashboard's figures come from the records as read once per set of
    imports: asked again it reads and computes nothing; a new import is seen at once, and its
    figures are those computed afresh from every record."""
    import csv

    from django.contrib.auth import get_user_model
    from django.test import Client

    from saferplan.youthjustice import kpis, service, store
    from saferplan.youthjustice.store import import_extract

    first, second = _extracts(tmp_path)
    calls: list[str] = []
    for module, name in ((store, "tables"), (service.ind, "reoffending_cohort"),
                         (service.ind, "first_time_entrants"), (kpis, "kpis")):  # fmt: skip
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=original, _n=name, **k: (
            calls.append(_n), _f(*a, **k))[1])  # fmt: skip
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))

    def shown() -> dict[tuple[str, str], str]:
        got = client.get("/youth-justice/?period=2019-20&population=20000&format=csv")
        assert got.status_code == 200
        rows = csv.DictReader(got.content.decode("utf-8-sig").splitlines())
        return {(r["indicator"], r["period"]): r["value"] for r in rows}

    import_extract(first)
    before = shown()
    assert {"tables", "reoffending_cohort", "first_time_entrants", "kpis"} <= set(calls)
    calls.clear()
    assert shown() == before and calls == []  # asked again: nothing read or computed
    assert client.get("/youth-justice/?period=2019-20&population=20000").status_code == 200
    assert calls == []  # the page itself, charts and all, from the same figures
    import_extract(second)
    after = shown()
    assert "tables" in calls
    fresh = {
        (r.indicator, r.period): str(r.value)
        for r in service.indicators_for("2019-20", 20000, service.Records.read())
    }
    assert after == fresh and after != before
    fte = ("first_time_entrants", "2019/20")
    assert float(after[fte]) > float(before[fte])  # twice the children, more entrants


def test_kept_figures_follow_the_board_meetings_recorded_since(partnership, tmp_path: Path) -> None:
    """The board attendance KPI reads the meetings recorded in saferplan as well as the
    extract: kept figures are kept per those meetings too, so one recorded after the page
    was first shown changes the figure at once (no import needed)."""
    from datetime import date

    from saferplan.governance.models import Attendance, Meeting
    from saferplan.governance.tests.samples import harrow_board
    from saferplan.youthjustice import service
    from saferplan.youthjustice.store import import_extract

    import_extract(_extracts(tmp_path)[0])

    def board_kpi() -> tuple[object, object, str]:
        rows = service.kpis_for("2019-20", 20_000, service.Records.kept())
        found = next(r for r in rows if r.indicator == "kpi_board_attendance")
        return found.numerator, found.denominator, found.source

    from_extract = board_kpi()
    assert board_kpi() == from_extract and from_extract[2].startswith("from the imported")
    board = harrow_board(partnership)
    meeting = Meeting.objects.create(body=board, held_on=date(2019, 5, 10))
    for member in board.members.all():  # Health and the magistrate away: 5 partners of 7
        away = member.organisation in ("Health", "Judiciary")
        Attendance.objects.create(
            meeting=meeting, member=member, status="apologies" if away else "present"
        )
    numerator, denominator, source = board_kpi()
    assert (numerator, denominator) == (5, 7) and source.startswith("from meeting records")
