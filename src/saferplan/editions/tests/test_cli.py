"""``saferplan report strategic-assessment`` keeps every build as an edition;
``saferplan editions list|verify`` show them and find a file that changed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.cli.main import app
from saferplan.editions import store
from saferplan.editions.models import Edition
from saferplan.editions.tests.samples import NAMES, keep_sample

pytestmark = pytest.mark.django_db


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def harrow(db) -> Partnership:
    return Partnership.objects.create(name="Safer Harrow", areas=["Harrow"],
                                      comparators=["Barnet", "London"])  # fmt: skip


@pytest.fixture
def brent(db) -> Partnership:
    return Partnership.objects.create(name="Safer Brent", areas=["Brent"], comparators=["London"])


def test_each_build_is_kept_as_an_edition_and_verified(
    demo_warehouse, harrow, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    # The session's demo warehouse keeps its import records in memory (see conftest).
    from saferplan.reports.build import provenance_from

    monkeypatch.setattr(
        "saferplan.reports.build.provenance",
        lambda ids: provenance_from(demo_warehouse.import_records, ids),
    )
    out = tmp_path / "out"
    built = _cli("report", "strategic-assessment", "--year", "2018", "--themes", "total,burglary",
                 "--out", str(out), "--partnership", "Safer Harrow")  # fmt: skip
    assert built.exit_code == 0, built.output
    edition = Edition.objects.get()
    assert f"Kept as edition {edition.pk}" in built.output
    written = sorted(p.name for p in out.iterdir())  # --out still has the documents
    assert written == sorted(f.name for f in edition.files.all())
    assert {"strategic-assessment.html", "strategic-assessment.docx", "strategic-assessment.pdf",
            "figures.json"} <= set(written)  # fmt: skip
    assert (edition.partnership, edition.document, edition.period, edition.edition) == (
        harrow, "strategic-assessment", "2018", "public")  # fmt: skip
    assert edition.title == "Harrow Strategic Assessment 2018"
    bundle = json.loads((out / "figures.json").read_text())
    assert edition.imports == bundle["provenance"] and edition.imports
    assert edition.parameters["comparators"] == ["Barnet", "London"]
    assert edition.parameters["themes"] == ["total", "burglary"]
    assert edition.check_passed and edition.check_problems == []

    listed = _cli("editions", "list", "--partnership", "Safer Harrow", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert list(rows[0]) == ["id", "document", "year", "edition", "state", "built", "built_by",
                             "file", "sha256"]  # fmt: skip
    assert {r["file"]: r["sha256"] for r in rows} == {n: _sha(out / n) for n in written}
    assert {(r["id"], r["document"], r["year"], r["edition"], r["state"]) for r in rows} == {
        (str(edition.pk), "strategic-assessment", "2018", "public", "draft")}  # fmt: skip

    ok = _cli("editions", "verify", str(edition.pk), "--partnership", "Safer Harrow")
    assert ok.exit_code == 0 and "OK" in ok.output
    pdf = store.folder_of(edition) / "strategic-assessment.pdf"
    before = _sha(pdf)
    pdf.chmod(0o600)
    pdf.write_bytes(pdf.read_bytes() + b"%% edited\n")
    altered = _cli("editions", "verify", str(edition.pk), "--partnership", "Safer Harrow")
    assert altered.exit_code == 1
    assert "strategic-assessment.pdf has changed" in altered.output
    assert before in altered.output and _sha(pdf) in altered.output
    assert "figures.json" not in altered.output  # only the file that changed is named


def test_a_build_that_fails_its_check_keeps_no_edition(
    demo_warehouse, harrow, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from saferplan.reports import build

    # The figures check finds a problem (as it would a direction word contradicting them).
    monkeypatch.setattr(build, "check_bundle_data", lambda data: ["Total: 'fell' for a rise"])
    monkeypatch.setattr(
        build, "provenance", lambda ids: build.provenance_from(demo_warehouse.import_records, ids)
    )
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    failed = _cli("report", "strategic-assessment", "--year", "2018", "--themes", "total",
                  "--out", str(tmp_path / "out"), "--partnership", "Safer Harrow")  # fmt: skip
    assert failed.exit_code == 1 and "failed the consistency check" in failed.output
    assert not Edition.objects.exists()
    assert not (data_dir / "editions" / str(harrow.pk)).exists()


def test_list_and_verify_keep_to_the_partnership(
    harrow, brent, data_dir: Path, tmp_path: Path
) -> None:
    with partnership_scope(harrow):
        mine = keep_sample(tmp_path / "harrow", "Harrow", edition="restricted")
    with partnership_scope(brent):
        theirs = keep_sample(tmp_path / "brent", "Brent")
    assert "say which partnership" in _cli("editions", "list").output
    listed = json.loads(_cli("editions", "list", "--partnership", "Safer Harrow",
                             "--format", "json").stdout)  # fmt: skip
    assert [e["id"] for e in listed] == [mine.pk]
    assert listed[0]["edition"] == "restricted" and listed[0]["built_by"].endswith("(cli)")
    assert sorted(f["name"] for f in listed[0]["files"]) == sorted(NAMES)
    html = tmp_path / "harrow" / "strategic-assessment.html"
    assert {f["name"]: f["sha256"] for f in listed[0]["files"]}[html.name] == _sha(html)
    table = _cli("editions", "list", "--partnership", "Safer Brent")
    assert table.exit_code == 0 and "Safer Brent" in table.output and "Harrow" not in table.output
    across = _cli("editions", "verify", str(theirs.pk), "--partnership", "Safer Harrow")
    assert across.exit_code == 1 and f"no edition {theirs.pk} in Safer Harrow" in across.output
    bad = _cli("editions", "list", "--partnership", "Safer Harrow", "--format", "xml")
    assert bad.exit_code == 1 and "unknown format 'xml'" in bad.output


def test_verify_names_a_missing_file(harrow, data_dir: Path, tmp_path: Path) -> None:
    with partnership_scope(harrow):
        edition = keep_sample(tmp_path / "out", "Harrow")
    folder = store.folder_of(edition)
    folder.chmod(0o700)
    (folder / "figures.json").unlink()
    result = _cli("editions", "verify", str(edition.pk), "--partnership", "Safer Harrow")
    assert result.exit_code == 1 and "figures.json is missing" in result.output


def test_a_build_before_any_partnership_exists_is_not_kept(capsys) -> None:
    from saferplan.cli.editions import say_kept
    from saferplan.editions.documents import keep_strategic_assessment

    # No partnership in scope: nothing is looked at, nothing kept, and the build says so.
    assert keep_strategic_assessment(None, None) is None  # type: ignore[arg-type]
    say_kept(None)
    assert "Not kept as an edition" in capsys.readouterr().out
