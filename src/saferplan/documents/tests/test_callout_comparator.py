"""One comparator rule for call-outs: a figure worse than the YOT family and better than
England and Wales is red on the youth justice dashboard and called out in the Youth Justice
Plan (its page and its Word file), each naming the YOT family."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from docx import Document

from saferplan.documents import build
from saferplan.youthjustice.comparators import import_comparators

pytestmark = pytest.mark.django_db
YEAR = "2019-20"
KEY = "reoffending_binary_rate"  # lower is better
YEARS = ["2015-16", "2016-17", "2017-18", "2018-19", "2019-20"]


def published(tmp_path: Path) -> None:
    """The family at 0.5% (every local rate above it is worse) and England and Wales at
    99.5% (every local rate below it is better), each of the five years."""
    rows = ["indicator,area,period,value"]
    for year in YEARS:
        rows += [f"{KEY},YOT family,{year},0.5", f"{KEY},England and Wales,{year},99.5"]
    path = tmp_path / "comparators.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert import_comparators(path) == 2 * len(YEARS)


def test_worse_than_the_family_is_red_on_the_dashboard_and_called_out_in_the_plan(
    demo, tmp_path: Path
) -> None:
    published(tmp_path)
    out = tmp_path / "plan"
    build.write("youth-justice-plan", YEAR, out, generated=date(2026, 11, 30), pdf=False)
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    local = {k: v["value"] for k, v in figures.items() if k.startswith("reoffending.trend.")}
    rates = [float(v) for k, v in local.items() if k.endswith(".rate")]
    assert len(rates) >= 3 and all(0.5 < r < 99.5 for r in rates), local

    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    said = "has been worse than the YOT family average for 3 periods in a row, to 2018/19, "
    said += "when the average was 0.5%."
    assert said in html, [line for line in html.splitlines() if "in a row" in line]
    assert "worse than the England and Wales average" not in html
    words = "\n".join(p.text for p in Document(str(next(out.glob("*.docx")))).paragraphs)
    assert said in words

    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    page = client.get("/youth-justice/?period=2018-19").content.decode()  # the year reviewed
    assert (
        "has been worse than the YOT family average for 3 years in a row (2016/17 to 2018/19); "
        "the average in 2018/19 was 0.5%." in page
    ), [line for line in page.splitlines() if "in a row" in line]
