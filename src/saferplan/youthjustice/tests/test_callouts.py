"""The dashboard's call-outs: worsening runs, and red runs against the comparator group's
published figures, said per indicator on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.indicators import registry
from saferplan.youthjustice.comparators import import_comparators
from saferplan.youthjustice.service import TrendPoint as P

pytestmark = pytest.mark.django_db

TRENDS = {
    # lower is better: rose four times in a row
    "first_time_entrants": [P("2015/16", 240.0), P("2016/17", 250.0), P("2017/18", 260.0),
                            P("2018/19", 270.0), P("2019/20", 300.0)],
    # rose twice, after a fall: not a worsening run; worse than the family three years
    "reoffending_binary_rate": [P("2015/16", 40.0), P("2016/17", 30.0), P("2017/18", 29.0),
                                P("2018/19", 31.0), P("2019/20", 35.0)],
    # falling, which is good, and better than the family
    "reoffences_per_child": [P("2016/17", 3.0), P("2017/18", 2.0), P("2018/19", 1.0),
                             P("2019/20", 0.5)],
}  # fmt: skip


def comparators(tmp_path: Path) -> None:
    path = tmp_path / "comparators.csv"
    rows = ["indicator,area,period,value"]
    for year, family, national in [("2016-17", 35, 36), ("2017-18", 25, 26),
                                   ("2018-19", 28, 27), ("2019-20", 30, 31)]:  # fmt: skip
        rows.append(f"reoffending_binary_rate,YOT family,{year},{family}")
        rows.append(f"reoffending_binary_rate,England and Wales,{year},{national}")
        rows.append(f"reoffences_per_child,YOT family,{year},4")
    path.write_text("\n".join(rows) + "\n")
    assert import_comparators(path) == 12


def test_runs_are_called_out_against_the_comparator_group(demo_scope, tmp_path: Path) -> None:
    from saferplan.youthjustice.callouts import dashboard_callouts

    comparators(tmp_path)
    said = {c["key"]: c["said"] for c in dashboard_callouts(TRENDS)}
    assert said == {
        "first_time_entrants": [
            "First time entrants has worsened for 4 years in a row (2016/17 to 2019/20)"
        ],
        # 29 > 25, 31 > 28, 35 > 30: red against the family (not England and Wales) x3
        "reoffending_binary_rate": [
            f"{registry.get('reoffending_binary_rate').label} has been worse than "
            "the YOT family average for 3 years in a row (2017/18 to 2019/20); the average "
            "in 2019/20 was 30%"
        ],
    }
    trends = dict(TRENDS, first_time_entrants=[*TRENDS["first_time_entrants"][:2],
                  P("2017/18", None), *TRENDS["first_time_entrants"][3:]])  # fmt: skip
    assert "first_time_entrants" not in {c["key"] for c in dashboard_callouts(trends)}


def test_the_dashboard_shows_a_warning_per_indicator_called_out(
    demo_scope, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saferplan.youthjustice import service
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.store import import_extract
    from saferplan.youthjustice.synth import generate_cohort

    write_tables(generate_cohort(children=60, seed=5).tables(), tmp_path / "extract")
    import_extract(tmp_path / "extract")
    comparators(tmp_path)
    monkeypatch.setattr(service, "trends_for", lambda *args, **kwargs: TRENDS)
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    page = client.get("/youth-justice/?period=2019-20&population=20000").content.decode()
    assert page.count('<div class="govuk-warning-text">') == 2
    assert "First time entrants has worsened for 4 years in a row (2016/17 to 2019/20)." in page
    assert (
        "has been worse than the YOT family average for 3 years in a row (2017/18 to "
        "2019/20); the average in 2019/20 was 30%." in page
    )
