"""``saferplan resources ...``: the import commands and ``show``, as a person runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.cli.main import app

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NAME = "Test partnership"


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["resources", *args, "--partnership", NAME])


@pytest.fixture
def loaded(partnership):  # type: ignore[no-untyped-def]
    for table, file, year in (("budget", "budget_2017_18.csv", "2017-18"),
                              ("budget", "budget_2019_20.csv", "2019-20"),
                              ("grant-allocation", "grant_allocation_2017_18.csv", "2017-18")):  # fmt: skip
        result = _cli(table, str(FIXTURES / file), "--year", year)
        assert result.exit_code == 0, result.output
    return partnership


def test_show_prints_a_row_per_agency_and_a_last_row_total(loaded) -> None:
    result = _cli("show", "--year", "2019-20", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["agency", "staffing_costs", "payments_in_kind", "other_delegated_funds",
                       "total"]  # fmt: skip
    assert [r[0] for r in rows[1:]] == [
        "Local authority", "Police", "Probation", "Health", "Police and crime commissioner",
        "YJB youth justice grant", "Other", "Total"]  # fmt: skip
    assert rows[-1] == ["Total", "963884.00", "213924.00", "0.00", "1177808.00"]
    assert rows[6] == ["YJB youth justice grant", "211435.00", "0.00", "0.00", "211435.00"]


def test_show_as_json_and_as_a_table(loaded) -> None:
    shown = json.loads(_cli("show", "--year", "2017/18", "--format", "json").stdout)
    assert shown["total"] == {"agency": "Total", "staffing_costs": "889429.00",
                              "payments_in_kind": "192887.00", "other_delegated_funds": "0.00",
                              "total": "1082316.00"}  # fmt: skip
    assert len(shown["rows"]) == 7 and shown["sources"][0].startswith(str(FIXTURES))
    table = _cli("show", "--year", "2017-18", "--table", "grant-allocation").output
    assert "£211,435" in table and "adds up to the YJB grant" in table


def test_importing_says_what_it_did(loaded, tmp_path: Path) -> None:
    again = _cli("budget", str(FIXTURES / "budget_2019_20.csv"), "--year", "2019-20")
    assert again.exit_code == 0 and "already imported" in again.output
    other_year = _cli("budget", str(FIXTURES / "budget_2019_20.csv"), "--year", "2018-19")
    assert "it was imported for 2019-20, not 2018-19" in other_year.output
    short = tmp_path / "allocation.csv"
    short.write_text("area_of_delivery,activity,amount\nReducing Re-Offending,Analysis,30000\n")
    warned = _cli("grant-allocation", str(short), "--year", "2019-20")
    assert warned.exit_code == 0
    assert "Imported grant-allocation 2019-20" in warned.output
    assert "£30,000, £181,435 less than the YJB grant of £211,435" in warned.output


def test_a_refused_file_exits_2_naming_row_and_column(loaded, tmp_path: Path) -> None:
    bad = tmp_path / "budget.csv"
    bad.write_text("agency,staffing_costs,payments_in_kind,other_delegated_funds\n"
                   "Local Authority,£677;994,,\n")  # fmt: skip
    result = _cli("budget", str(bad), "--year", "2017-18")
    assert result.exit_code == 2
    assert f"{bad}, row 2, column 'staffing_costs'" in result.output
    assert "Traceback" not in result.output


def test_show_needs_a_year_and_a_known_table(loaded) -> None:
    assert "say which" in _cli("show").output
    unknown = _cli("show", "--year", "2019-20", "--table", "budgets")
    assert unknown.exit_code == 1 and "Tables: budget" in unknown.output
    assert "is not a financial year" in _cli("show", "--year", "2019-21").output


def test_risks_from_the_cli(partnership) -> None:
    assert _cli("risks", str(FIXTURES / "risks_sample.csv")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(_cli("show", "--table", "risks", "--format",
                                                "csv").stdout)))  # fmt: skip
    assert [r["reference"] for r in rows] == ["R3", "R2", "R4", "R5", "R1"]
    assert (rows[0]["score"], rows[0]["band"]) == ("16", "High")


def test_show_as_csv_hands_a_spreadsheet_no_formula(partnership, tmp_path: Path) -> None:
    streams = tmp_path / "funding.csv"
    streams.write_text(
        'stream,project,cash,in_kind\n"=HYPERLINK(""http://x.invalid"")",+1+1,"£1,000",\n'
    )
    imported = _cli("funding", str(streams), "--year", "2019-20")
    assert imported.exit_code == 0, imported.output
    shown = _cli("show", "--year", "2019-20", "--table", "funding", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(shown)))
    assert rows[0]["stream"] == '\'=HYPERLINK("http://x.invalid")'
    assert rows[0]["project"] == "'+1+1" and rows[0]["cash"] == "1000.00"
