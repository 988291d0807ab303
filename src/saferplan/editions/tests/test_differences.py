"""Differences between editions, worked by hand: which figures changed and why, and which
sections' text changed, side by side; then through two kept editions and the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.cli.main import app
from saferplan.editions import textdiff
from saferplan.editions.compare import compare, previous_of
from saferplan.editions.differences import Inputs, figure_changes
from saferplan.editions.tests.samples import keep_sample

MPS_OLD = {"import_id": 2, "kind": "mps", "file": "mps_2019-01.csv", "sha256": "a" * 64}
MPS_NEW = {"import_id": 7, "kind": "mps", "file": "mps_2019-03.csv", "sha256": "b" * 64}
POLICE = {"import_id": 9, "kind": "police-uk", "file": "2018-06-street.csv", "sha256": "c" * 64}
ONS19 = {"value": 250000, "year": 2019, "set": "ONS mid-2019", "source": "ONS"}
ONS20 = {"value": 252000, "year": 2020, "set": "ONS mid-2020", "source": "ONS"}


def _row(area: str, count: int, rate: str, population: dict) -> dict:  # type: ignore[type-arg]
    return {"area": area, "count_period": count, "rate_period": rate,
            "population_period": population}  # fmt: skip


OLD = {
    "period": {"label": "2018"},
    "themes": [
        {"key": "burglary", "title": "Burglary", "import_ids": [2],
         "table": [_row("Harrow", 100, "0.40", ONS19), _row("London", 5000, "0.55", ONS19)],
         "monthly": [["2018-06-01", 10], ["2018-07-01", 12]],
         "sentences": [{"text": "Burglary rose 5%", "fields": {"n": {"shown": "5"}}}]},
        {"key": "robbery", "title": "Robbery", "import_ids": [2],
         "table": [_row("Harrow", 40, "0.16", ONS19)]},
        {"key": "total", "title": "Total notifiable crime", "import_ids": [2],
         "table": [_row("Harrow", 900, "3.60", ONS19)], "average": "75"},
    ],
}  # fmt: skip


def _new() -> dict:  # type: ignore[type-arg]
    new = copy.deepcopy(OLD)
    burglary, robbery, total = new["themes"]
    burglary["import_ids"] = [7]  # the MPS re-issued its file: June revised
    burglary["table"] = [
        _row("London", 5000, "0.55", ONS19),
        _row("Harrow", 101, "0.40", ONS19),
        _row("Brent", 700, "0.21", ONS19),
    ]  # reordered, one more comparator
    burglary["monthly"] = [["2018-06-01", 11], ["2018-07-01", 12]]
    burglary["sentences"] = [{"text": "Burglary rose 6%", "fields": {"n": {"shown": "6"}}}]
    robbery["import_ids"] = [2, 9]  # street-level records added
    robbery["table"] = [_row("Harrow", 41, "0.16", ONS19)]
    total["table"] = [_row("Harrow", 900, "3.57", ONS20)]  # a newer population estimate
    total["average"] = "76"  # nothing recorded about it changed
    return new


OLD_INPUTS = Inputs({"period": "2018", "comparators": ["London"]}, [MPS_OLD])
NEW_INPUTS = Inputs({"period": "2018", "comparators": ["Brent", "London"]},
                    [MPS_NEW, MPS_OLD, POLICE])  # fmt: skip


def test_each_changed_figure_is_found_by_identity_and_given_its_reasons() -> None:
    changes = {c.label: c for c in figure_changes(OLD, _new(), OLD_INPUTS, NEW_INPUTS)}
    revised = "a newer import of the same data (mps): mps_2019-03.csv (import 7) replaces " \
              "mps_2019-01.csv (import 2)"  # fmt: skip
    brent = "comparators changed: London → Brent, London"
    expected = {
        "themes › Burglary › table › Harrow › count period": (100, 101, "changed", [revised]),
        "themes › Burglary › monthly › June 2018": (10, 11, "changed", [
            "a revision of June 2018's data (mps): mps_2019-03.csv (import 7) replaces "
            "mps_2019-01.csv (import 2)"]),
        "themes › Burglary › table › Brent › count period": (None, 700, "added", [brent]),
        "themes › Burglary › table › Brent › rate period": (None, "0.21", "added", [brent]),
        "themes › Burglary › table › Brent › population period › value": (
            None, 250000, "added", [brent]),
        "themes › Burglary › table › Brent › population period › year": (
            None, 2019, "added", [brent]),
        "themes › Robbery › table › Harrow › count period": (40, 41, "changed", [
            "a new import (police-uk): 2018-06-street.csv (import 9)"]),
        "themes › Total notifiable crime › table › Harrow › rate period": ("3.60", "3.57", "changed", [
            "a different population set (population period): ONS mid-2019 (2019) → "
            "ONS mid-2020 (2020)"]),
        "themes › Total notifiable crime › table › Harrow › population period › value": (
            250000, 252000, "changed", ["a different population set: ONS mid-2019 (2019) → "
                                        "ONS mid-2020 (2020)"]),
        "themes › Total notifiable crime › table › Harrow › population period › year": (
            2019, 2020, "changed", ["a different population set: ONS mid-2019 (2019) → "
                                    "ONS mid-2020 (2020)"]),
        "themes › Total notifiable crime › average": ("75", "76", "changed", [
            f"none of its own recorded inputs changed; the build's did: {brent}"]),
    }  # fmt: skip
    got = {k: (c.before, c.after, c.status, list(c.reasons)) for k, c in changes.items()}
    assert got == expected
    # Unchanged July, the reordered London row and the sentences' text are not figure changes.
    assert changes["themes › Burglary › monthly › June 2018"].group == "Burglary"


def test_a_figure_whose_inputs_did_not_change_says_so() -> None:
    old = {"total": {"import_ids": [2], "value": 5}}
    new = {"total": {"import_ids": [2], "value": 6}}
    inputs = Inputs({"period": "2018"}, [MPS_OLD])
    (change,) = figure_changes(old, new, inputs, inputs)
    assert change.reasons == ("none of its recorded inputs changed: the way it is worked out did",)


def test_a_different_period_is_the_first_reason_of_every_figure() -> None:
    old, new = {"count": 5, "note": "text is not a figure"}, {"count": 6, "note": "changed text"}
    (change,) = figure_changes(old, new, Inputs({"period": "2018"}, []),
                               Inputs({"period": "2019"}, []))  # fmt: skip
    assert change.reasons == ("period changed: 2018 → 2019",)


def _record(
    label: str, value: object, shown: str, data_date: str = "2024-03-31", derive: object = None
) -> dict[str, object]:
    """A figure as the statutory plans' bundles keep it, by id."""
    return {"label": label, "value": value, "format": "number", "unit": "", "period": "2023/24",
            "data_date": data_date, "source": "YJB", "derive": derive, "shown": shown}  # fmt: skip


def test_figures_kept_by_id_are_one_figure_each_with_their_own_inputs_as_reasons() -> None:
    old = {"figures": {
        "fte.count": _record("First-time entrants", 41, "41"),
        "caseload": _record("Children on the caseload", 120, "120"),
        "spend": _record("Spend", 1200000, "£1.2m"),
        "fte.rate": _record("FTE rate", 190.0, "190", derive={"kind": "rate", "of": ["fte.count"]}),
    }}  # fmt: skip
    new = copy.deepcopy(old)
    new["figures"]["fte.count"] = _record("First-time entrants", 44, "44", "2024-06-30")
    new["figures"]["spend"] = _record("Spend", 1300000, "£1.3m")
    new["figures"]["fte.rate"] = _record("FTE rate", 203.9, "204",
                                         derive={"kind": "rate", "of": ["fte.count", "pop"]})  # fmt: skip
    inputs = Inputs({"period": "2023/24"}, [])
    found = {c.label: c for c in figure_changes(old, new, inputs, inputs)}
    assert list(found) == ["figures › First-time entrants (fte.count)", "figures › Spend (spend)",
                           "figures › FTE rate (fte.rate)"]  # fmt: skip
    count, spend, rate = found.values()
    assert (count.before, count.after) == ("41", "44")  # as printed, one row per figure
    assert count.reasons == ("data of another date: 2024-03-31 → 2024-06-30",)
    assert (spend.before, spend.after) == ("£1.2m", "£1.3m")  # not a bare number, still a figure
    assert spend.reasons == ("none of its recorded inputs changed: the way it is worked out did",)
    assert rate.reasons == ("worked out another way: rate of fte.count → rate of fte.count, pop",)


OLD_HTML = """<html><body><header><p>Safer Harrow</p></header>
<section id="summary"><h2>Key findings</h2><p>Burglary rose 5.0% to 1,936.</p>
<table><tr><td>1,936</td></tr></table><p>Robbery fell.</p></section>
<section id="asb"><h2>Anti-social behaviour</h2><p>ASB was steady.</p></section>
</body></html>"""
NEW_HTML = """<html><body><header><p>Safer Harrow</p></header>
<section id="summary"><h2>Key findings</h2><p>Burglary rose 6.1% to 1,950.</p>
<table><tr><td>1,950</td></tr></table><p>Robbery fell.</p><p>Knife crime is new.</p></section>
<section id="hate"><h2>Hate crime</h2><p>Hate crime rose.</p></section>
</body></html>"""


def _marked(segments: tuple[textdiff.Segment, ...]) -> list[str]:
    return [s.text for s in segments if s.marked]


def test_changed_sections_are_shown_side_by_side_with_the_words_marked() -> None:
    old, new = textdiff.html_sections(OLD_HTML), textdiff.html_sections(NEW_HTML)
    assert [s.heading for s in old] == ["Before the first section", "Key findings",
                                        "Anti-social behaviour"]  # fmt: skip
    assert old[1].blocks == ("Key findings", "Burglary rose 5.0% to 1,936.", "Robbery fell.")
    changes = textdiff.text_changes(old, new)
    assert [(c.heading, c.status, c.unchanged) for c in changes] == [
        ("Key findings", "changed", 2), ("Hate crime", "added", 0),
        ("Anti-social behaviour", "removed", 0)]  # fmt: skip
    changed, added = changes[0].lines
    assert changed.kind == "changed"
    assert _marked(changed.before) == ["5.0%", "1,936."] and _marked(changed.after) == [
        "6.1%", "1,950."]  # fmt: skip
    assert "".join(s.text for s in changed.after) == "Burglary rose 6.1% to 1,950."
    assert added.kind == "added" and _marked(added.after) == ["Knife crime is new."]


def test_authored_markdown_in_the_bundle_is_compared_where_both_hold_it() -> None:
    old = {
        "sections": [{"key": "vision", "heading": "Vision", "markdown": "Child first.\n\nSafe."}]
    }
    new = {
        "sections": [{"key": "vision", "heading": "Vision", "markdown": "Child first.\n\nSafer."}]
    }
    (change,) = textdiff.text_changes(textdiff.authored_sections(old) or [],
                                      textdiff.authored_sections(new) or [])  # fmt: skip
    assert change.unchanged == 1 and _marked(change.lines[0].after) == ["Safer."]
    assert textdiff.authored_sections({"themes": []}) is None


def _plan_bundle(vision: str) -> dict[str, object]:
    """Sections as the statutory plans' bundles hold them: the Markdown under ``authored``
    (with its revision), generated-only sections with ``authored`` None."""
    return {"sections": [
        {"key": "vision", "number": 1, "heading": "Vision and strategy",
         "authored": {"markdown": vision, "revision": 4, "sample": False}, "parts": []},
        {"key": "performance", "number": 2, "heading": "Performance", "authored": None,
         "parts": [{"kind": "table"}]},
    ]}  # fmt: skip


def test_a_plans_authored_sections_are_compared_as_its_bundle_holds_them() -> None:
    old = textdiff.authored_sections(_plan_bundle("Child first.\n\nWe will cut knife crime."))
    new = textdiff.authored_sections(_plan_bundle("Child first.\n\nWe will halve knife crime."))
    assert old is not None and [s.heading for s in old] == ["Vision and strategy"]
    (change,) = textdiff.text_changes(old, new or [])
    assert change.heading == "Vision and strategy" and change.unchanged == 1
    assert _marked(change.lines[0].before) == ["cut"]
    assert _marked(change.lines[0].after) == ["halve"]


@pytest.mark.django_db
def test_two_kept_editions_are_compared_through_their_files_and_the_cli(
    partnership, data_dir, tmp_path: Path
) -> None:
    old = keep_sample(tmp_path / "a", "Harrow", bundle=OLD, body=OLD_HTML.split("<body>")[1],
                      imports=[MPS_OLD], parameters={"comparators": ["London"]})  # fmt: skip
    keep_sample(tmp_path / "r", "Harrow", "restricted")
    new = keep_sample(tmp_path / "b", "Harrow", bundle=_new(), body=NEW_HTML.split("<body>")[1],
                      imports=[MPS_NEW, MPS_OLD, POLICE],
                      parameters={"comparators": ["Brent", "London"]})  # fmt: skip
    assert previous_of(new) == old  # the restricted one between them is not its predecessor
    found = compare(old, new)
    assert len(found.figures) == 11 and found.text_source == "html"
    assert [s.heading for s in found.text][:1] == ["Key findings"]
    result = CliRunner().invoke(app, ["editions", "diff", str(old.pk), str(new.pk), "--format",
                                      "json", "--partnership", partnership.name])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    june = next(f for f in data["figures"] if f["figure"].endswith("June 2018"))
    assert (june["before"], june["after"]) == ("10", "11") and "revision of June 2018" in june[
        "why"
    ]
    assert data["text"][0]["lines"][0]["after"] == "Burglary rose {+6.1%+} to {+1,950.+}"
