"""Building the plans from the demo partnership's data: a draft lists what is missing first,
a final refuses each of its reasons, figure references in text are checked, and ``report
check`` catches a sabotaged total, rate, direction word and authored figure."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from saferplan.core.errors import SaferplanError
from saferplan.documents import build
from saferplan.documents.check import check_directory
from saferplan.documents.service import NotAllowed, carry_forward, save_section
from saferplan.documents.template import choose

pytestmark = pytest.mark.django_db
YEAR = "2019-20"
AS_AT = date(2026, 11, 30)


def user(name: str):
    return get_user_model().objects.get(username=name)


def write(document: str, out: Path, edition: str = "draft") -> build.Built:
    return build.write(document, YEAR, out, edition, generated=AS_AT, pdf=False)


def test_a_draft_lists_its_missing_sections_first(demo, tmp_path: Path) -> None:
    template = choose("youth-justice-plan", YEAR)
    save_section(template, YEAR, "introduction", "Our plan for the year.", user("yot"))
    built = write("youth-justice-plan", tmp_path)
    missing = [m["key"] for m in built.data["missing"]]
    required = [s.key for s in template.sections if s.required and s.authored]
    assert "introduction" not in missing
    assert set(required) - {"introduction"} <= set(missing)
    html = (tmp_path / "youth-justice-plan.html").read_text(encoding="utf-8")
    first_gap = html.index("To be written")
    assert first_gap < html.index("Our plan for the year."), "the gaps are listed first"
    assert check_directory(tmp_path) == []


def test_a_final_refuses_empty_sections_and_unknown_references(demo, tmp_path: Path) -> None:
    template = choose("youth-justice-plan", YEAR)
    for spec in template.sections:
        if spec.authored:
            save_section(template, YEAR, spec.key, f"Text for {spec.heading}.", user("yot"))
    save_section(template, YEAR, "introduction", "Rate {{ fte.no-such-figure }}.", user("yot"))
    draft = write("youth-justice-plan", tmp_path / "draft")
    html = (tmp_path / "draft" / "youth-justice-plan.html").read_text(encoding="utf-8")
    assert "fte.no-such-figure" in html  # a marked gap in a draft
    with pytest.raises(SaferplanError) as refused:
        write("youth-justice-plan", tmp_path / "final", "final")
    assert "fte.no-such-figure" in str(refused.value)
    assert "is empty" not in str(refused.value)
    assert draft.data["missing"] == []


def test_a_final_refuses_an_empty_required_section_naming_it(demo, tmp_path: Path) -> None:
    with pytest.raises(SaferplanError) as refused:
        write("youth-justice-plan", tmp_path, "final")
    assert "1. Introduction is empty" in str(refused.value)
    assert not list(tmp_path.glob("*.html"))


def test_a_final_refuses_incomplete_section_6_coverage(demo, tmp_path: Path) -> None:
    template = choose("community-safety-plan", YEAR)
    for spec in template.sections:
        if spec.authored and spec.key != "resources":
            save_section(template, YEAR, spec.key, "Our text.", user("analyst"))
    with pytest.raises(SaferplanError) as refused:
        write("community-safety-plan", tmp_path, "final")
    assert re.search(r"does not meet \(d\) How resources are allocated", str(refused.value)), str(
        refused.value
    )


def test_only_the_owning_roles_write_a_document(demo) -> None:
    yjp, csp = choose("youth-justice-plan", YEAR), choose("community-safety-plan", YEAR)
    with pytest.raises(NotAllowed):
        save_section(csp, YEAR, "strategy", "x", user("yot"))
    with pytest.raises(NotAllowed):
        save_section(yjp, YEAR, "introduction", "x", user("analyst"))
    with pytest.raises(SaferplanError, match="HTML is not allowed"):
        save_section(yjp, YEAR, "introduction", "<script>x</script>", user("yot"))


def test_last_years_text_is_carried_forward(demo) -> None:
    template = choose("youth-justice-plan", YEAR)
    last = save_section(template, "2018-19", "introduction", "Last year.", user("yot")).revision
    saved = carry_forward(template, YEAR, "introduction", user("yot"))
    assert saved.revision is not None
    assert (saved.revision.text, saved.revision.carried_from) == ("Last year.", last)


def _sabotage(folder: Path, change) -> list[str]:
    path = folder / "figures.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["figures"])
    path.write_text(json.dumps(data), encoding="utf-8")
    return check_directory(folder)


def _set(fid: str, value, shown: str):
    def change(figures):
        assert fid in figures, fid
        figures[fid].update(value=value, shown=shown)

    return change


def test_report_check_fails_on_sabotage(demo, tmp_path: Path) -> None:
    template = choose("youth-justice-plan", YEAR)
    save_section(
        template, YEAR, "introduction", "Attendance was {{ board.police.rate }}.", user("yot")
    )
    write("youth-justice-plan", tmp_path / "plan")
    assert check_directory(tmp_path / "plan") == []
    data = json.loads((tmp_path / "plan" / "figures.json").read_text(encoding="utf-8"))
    figures = data["figures"]
    total = next(k for k, v in figures.items() if (v["derive"] or {}).get("kind") == "sum")
    rate = next(k for k, v in figures.items() if (v["derive"] or {}).get("kind") == "ratio")
    word = next(k for k, v in figures.items() if (v["derive"] or {}).get("kind") == "judgement")
    flipped = "worse" if figures[word]["value"] == "better" else "better"
    for n, (fid, value, shown) in enumerate(
        [
            (total, figures[total]["value"] + 1, str(figures[total]["value"] + 1)),
            (rate, "99.9", "99.9%"),
            (word, flipped, flipped),
        ]
    ):
        copy = tmp_path / f"copy{n}"
        copy.mkdir()
        for f in (tmp_path / "plan").iterdir():
            (copy / f.name).write_bytes(f.read_bytes())
        problems = _sabotage(copy, _set(fid, value, shown))
        assert any(fid in p for p in problems), (fid, problems)
    # The authored reference's value printed in the page, changed by hand.
    shown = figures["board.police.rate"]["shown"]
    html = tmp_path / "plan" / "youth-justice-plan.html"
    page = html.read_text(encoding="utf-8")
    assert f"Attendance was {shown}." in page
    html.write_text(page.replace(f"Attendance was {shown}.", "Attendance was 100.0%."), "utf-8")
    assert any("Attendance was" in p for p in check_directory(tmp_path / "plan"))


def test_the_demo_plans_build_with_sample_text_marked_as_such(demo, tmp_path: Path) -> None:
    from saferplan.documents.demo import DEMO_DOCUMENTS, load_demo_text

    assert load_demo_text(YEAR) > 0
    assert load_demo_text(YEAR) == 0  # once only
    for document in DEMO_DOCUMENTS:
        built = write(document, tmp_path / document)
        assert built.data["sample_text"] is True
        assert built.data["missing"] == [] and not any(
            s["state"]["unknown_refs"] for s in built.data["sections"]
        )
        html = (tmp_path / document / f"{document}.html").read_text(encoding="utf-8")
        assert "Sample text, written for the demonstration" in html
        assert check_directory(tmp_path / document) == []
    # Tables of words read left-aligned; tables of figures keep their figures aligned right.
    csp = (tmp_path / "community-safety-plan" / "community-safety-plan.html").read_text("utf-8")
    assert re.search(r'<table class="words">\s*<caption>Harrow Council: Community Safety', csp)
    yjp_html = (tmp_path / "youth-justice-plan" / "youth-justice-plan.html").read_text("utf-8")
    assert re.search(r"<table>\s*<caption>Management board attendance", yjp_html)
    yjp = json.loads((tmp_path / "youth-justice-plan" / "figures.json").read_text("utf-8"))
    # Every attendance rate, each partner's and all partners', to the registry's decimals.
    rates = [f["shown"] for k, f in yjp["figures"].items() if re.fullmatch(r"board\..*rate", k)]
    assert len(rates) > 1 and all(re.fullmatch(r"\d+\.\d\d%", r) for r in rates), rates


class _Column:
    def __init__(self, key: str, label: str, kind: str) -> None:
        self.key, self.label, self.kind = key, label, kind


class _Table:
    """A stand-in for a ``saferplan.resources.tables`` table (the protocol the blocks read)."""

    def __init__(self, rows, total, warnings=()) -> None:  # type: ignore[no-untyped-def]
        self.title = "Youth justice budget, 2019/20"
        self.columns = (_Column("agency", "Agency", "text"), _Column("staff", "Staffing", "money"),
                        _Column("other", "Other", "money"), _Column("total", "Total", "money"))  # fmt: skip
        self.rows, self.total, self.notes, self.warnings = rows, total, (), tuple(warnings)


def _budget(monkeypatch, printed_total: int, warnings=()) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from saferplan.documents.blocks import resources

    rows = (("Local authority", 500_000, 20_000, 520_000), ("YJB grant", 300_000, 0, 300_000),
            ("Police", 60_000, 5_000, 65_000))  # fmt: skip
    # Staffing 860,000 + other 25,000 = 885,000 by hand.
    table = _Table(rows, ("Total", 860_000, 25_000, printed_total), warnings)
    monkeypatch.setattr(
        resources, "provider", lambda: SimpleNamespace(budget_for=lambda p, y: table)
    )


def test_resource_totals_are_figures_and_an_inconsistent_one_stops_a_final(
    demo, tmp_path: Path, monkeypatch
) -> None:
    template = choose("youth-justice-plan", YEAR)
    for spec in template.sections:
        if spec.authored:
            save_section(template, YEAR, spec.key, f"Text for {spec.heading}.", user("yot"))
    _budget(monkeypatch, 885_000)
    good = write("youth-justice-plan", tmp_path / "good")
    assert good.data["figures"]["budget.total.total"]["shown"] == "£885,000"
    assert good.data["warnings"] == [] and check_directory(tmp_path / "good") == []
    final = write("youth-justice-plan", tmp_path / "good-final", "final")
    assert final.data["edition"] == "final" and check_directory(tmp_path / "good-final") == []
    _budget(monkeypatch, 890_000)  # printed, but the lines add up to 885,000
    draft = write("youth-justice-plan", tmp_path / "draft")
    assert any("£890,000" in w and "£885,000" in w for w in draft.data["warnings"])
    with pytest.raises(SaferplanError) as refused:
        write("youth-justice-plan", tmp_path / "final", "final")
    assert "a total is inconsistent" in str(refused.value) and "£890,000" in str(refused.value)
    _budget(monkeypatch, 885_000, ["the allocation does not add up to the grant"])
    with pytest.raises(SaferplanError, match="does not add up to the grant"):
        write("youth-justice-plan", tmp_path / "final", "final")


def test_the_word_file_has_real_headings_and_tables_that_repeat_their_header(
    demo, tmp_path: Path
) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    built = write("community-safety-plan", tmp_path)
    doc = Document(str(tmp_path / "community-safety-plan.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for s in built.data["sections"]:
        assert f"{s['number']}. {s['heading']}" in headings, (s["heading"], headings)
    assert doc.tables, "the delivery plan and measures are Word tables"
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None


def test_the_knife_crime_action_plan_groups_its_tagged_actions_by_theme(
    demo, tmp_path: Path
) -> None:
    from saferplan.plans.links import set_tags
    from saferplan.plans.models import Action

    first, second, untagged = Action.objects.order_by("id")[:3]
    set_tags(first, ["knife-crime-action-plan", "lkcs:targeting-lawbreakers"])
    set_tags(second, ["knife-crime-action-plan", "lkcs:supporting-victims"])
    built = write("knife-crime-action-plan", tmp_path)
    assert "update of 30 November 2026" in built.data["title"]  # a dated edition

    def texts(key: str) -> str:
        [s] = [s for s in built.data["sections"] if s["key"] == key]
        return json.dumps(s["parts"], ensure_ascii=False)

    assert first.text in texts("targeting-lawbreakers")
    assert second.text not in texts("targeting-lawbreakers")
    assert second.text in texts("victims")
    assert not any(untagged.text in texts(k) for k in ("targeting-lawbreakers", "victims"))
    assert check_directory(tmp_path) == []


def test_the_youth_justice_plan_prints_the_budget_the_partnership_recorded(
    demo, tmp_path: Path
) -> None:
    """The budget block reads the resources records themselves (no stand-in): its total is
    the sum of the bundled 2019-20 budget file, added up here from the file."""
    import csv

    from saferplan.resources.demo import FIXTURES, load_demo_resources

    load_demo_resources(demo)
    with open(FIXTURES / "budget_2019_20.csv", newline="", encoding="utf-8") as handle:
        expected = sum(
            int(row[column].replace("£", "").replace(",", ""))
            for row in csv.DictReader(handle)
            if row["agency"].strip().lower() != "total"
            for column in ("staffing_costs", "payments_in_kind", "other_delegated_funds")
            if row[column].strip()
        )
    built = write("youth-justice-plan", tmp_path / "plan")
    assert built.data["figures"]["budget.total.total"]["shown"] == f"£{expected:,}"
    html = (tmp_path / "plan" / "youth-justice-plan.html").read_text(encoding="utf-8")
    assert f"£{expected:,}" in html and "not recorded in saferplan" not in html
    # The risk register as it stands on the day of the build (the sample register's first).
    assert "The YJB grant is reduced or held back (sample)" in html


def test_last_years_imported_plan_is_reviewed_with_its_unrated_updates(
    demo, tmp_path: Path
) -> None:
    """An imported plan's updates often carry no rating ("Not rated"): the review of last
    year's plan counts them as the plan pages do, rather than stopping the build. The counts
    are taken here from the plan file itself: a rating in `rag_raw`, else progress text
    (Not rated), else nothing (No update)."""
    import csv
    from collections import Counter

    from saferplan.plans.demo import FIXTURES, _import_fixture

    _import_fixture(demo, "2018/19", "delivery_plan_2018_19.csv")
    with open(FIXTURES / "delivery_plan_2018_19.csv", newline="", encoding="utf-8") as handle:
        expected = Counter(
            row["rag_raw"].strip().lower()
            or ("not-rated" if row["progress_text"].strip() else "no-update")
            for row in csv.DictReader(handle)
        )
    figures = write("youth-justice-plan", tmp_path / "plan").data["figures"]
    counted = {
        key.removeprefix("previous-plan-ratings.rag."): int(f["value"])
        for key, f in figures.items()
        if key.startswith("previous-plan-ratings.rag.") and int(f["value"])
    }
    assert counted == dict(expected)
