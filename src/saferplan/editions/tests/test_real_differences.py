"""Differences between two real Strategic Assessments built from the bundled London data,
one with other comparators: the reasons given are checked against what was changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saferplan.crime.themes import load_themes
from saferplan.editions import store
from saferplan.editions.compare import compare
from saferplan.editions.documents import keep_strategic_assessment
from saferplan.editions.tests.samples import editions_in
from saferplan.reports.assessment import build_assessment
from saferplan.reports.build import provenance_from, write_report

pytestmark = pytest.mark.django_db


def _kept(warehouse, comparators: list[str], folder: Path):  # type: ignore[no-untyped-def]
    assessment = build_assessment(warehouse.connect(), load_themes(), "Harrow", "2018",
                                  comparators, themes=["total", "burglary"])  # fmt: skip
    built = write_report(
        assessment, folder, "Safer Harrow (demo)", pdf=False,
        records=lambda ids: provenance_from(warehouse.import_records, ids),
    )  # fmt: skip
    return keep_strategic_assessment(assessment, built)


def test_other_comparators_change_only_the_comparisons_and_say_so(
    demo_warehouse, demo_scope, tmp_path: Path, monkeypatch
) -> None:
    editions_in(monkeypatch, tmp_path / "editions")
    old = _kept(demo_warehouse, ["Barnet", "London"], tmp_path / "a")
    new = _kept(demo_warehouse, ["Brent", "London"], tmp_path / "b")
    found = compare(old, new)
    changed = {(f.status, f.label.split(" › ")[3]) for f in found.figures}
    assert changed == {("added", "Brent"), ("removed", "Barnet")}  # never Harrow's or London's
    assert {f.reasons for f in found.figures} == {
        ("comparators changed: Barnet, London → Brent, London",)
    }
    assert {(f.label, str(f.after)) for f in found.figures if f.status == "added"} == _row_figures(
        new, "Brent"
    )
    assert {(f.label, str(f.before)) for f in found.figures if f.status == "removed"} == (
        _row_figures(old, "Barnet")
    )
    # The text: only the two themes' sections, where Barnet's words went and Brent's came.
    assert found.text_source == "html"
    assert [(s.heading, s.status) for s in found.text] == [
        ("Total notifiable crime", "changed"),
        ("Burglary", "changed"),
    ]
    for section in found.text:
        gone = " ".join(g.text for line in section.lines for g in line.before if g.marked)
        came = " ".join(g.text for line in section.lines for g in line.after if g.marked)
        assert "Barnet" in gone and "Brent" in came and "Harrow" not in gone + came


def _row_figures(edition, area: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The numbers of ``area``'s row of each theme's table, read straight from the bundle."""
    bundle = json.loads((store.folder_of(edition) / "figures.json").read_text())
    found = set()
    for theme in bundle["themes"]:
        (row,) = [r for r in theme["table"] if r["area"] == area]
        prefix = f"themes › {theme['title']} › table › {area} › "
        for key, value in row.items():
            name = key.replace("_", " ")
            if isinstance(value, dict):
                found |= {(f"{prefix}{name} › {k}", str(value[k])) for k in ("value", "year")}
            elif key != "area":
                found.add((prefix + name, str(value)))
    return found
