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
