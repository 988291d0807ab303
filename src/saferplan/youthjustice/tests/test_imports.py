"""Youth justice files go through the one import pipeline (issue #9.4): every file hashed
and recorded with its rows, who, when and whose; all or nothing; the same file twice
changes nothing; restricted to the partnership; figures know the import they came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.cli.main import app
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.importing import run_import
from saferplan.datastore.models import ImportRecord
from saferplan.youthjustice.files import write_tables
from saferplan.youthjustice.models import Child, PopulationByEthnicity, PublishedFigure
from saferplan.youthjustice.synth import generate_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    write_tables(generate_cohort(children=30, seed=9).tables(), folder)
    return folder


def test_a_restricted_kind_needs_a_partnership(db, extract: Path) -> None:
    with pytest.raises(SaferplanError, match="partnership's own data"):
        run_import("youth-justice", [extract])
    runner = CliRunner()
    none_yet = runner.invoke(app, ["import", "youth-justice", str(extract)])
    assert none_yet.exit_code != 0 and "no partnership yet" in none_yet.output
    Partnership.objects.create(name="One", areas=["Harrow"])
    Partnership.objects.create(name="Two", areas=["Brent"])
    unnamed = runner.invoke(app, ["import", "youth-justice", str(extract)])
    assert unnamed.exit_code != 0 and "say which partnership" in unnamed.output
    assert not ImportRecord.objects.exists() and not Child.objects.exists()
    done = runner.invoke(app, ["import", "youth-justice", str(extract), "--partnership", "Two"])
    assert done.exit_code == 0, done.output
    assert "Imported" in done.output and "children.csv" in done.output
    assert {r.partnership.name for r in ImportRecord.objects.all()} == {"Two"}
    assert Child.objects.filter(partnership__name="Two").count() == 30
    again = runner.invoke(app, ["import", "youth-justice", str(extract), "--partnership", "Two"])
    assert again.exit_code == 0 and again.output.count("already imported") == 10
    open_data = runner.invoke(app, ["import", "police-uk", str(extract), "--partnership", "Two"])
    assert open_data.exit_code != 0 and "open data" in open_data.output


def test_imports_lists_a_partnerships_files_to_it_alone(db, extract: Path, monkeypatch) -> None:
    from saferplan.cli import output

    monkeypatch.setattr(output.console, "width", 300)  # a table row per line
    mine = Partnership.objects.create(name="Mine", areas=["Harrow"])
    Partnership.objects.create(name="Theirs", areas=["Brent"])
    with partnership_scope(mine):
        run_import("youth-justice", [extract], partnership=mine, user="tester")
    runner = CliRunner()
    listed = runner.invoke(app, ["imports", "--partnership", "Mine"])
    assert listed.exit_code == 0 and "youth-justice" in listed.output
    assert listed.output.count("children.csv") == 1 and "Mine" in listed.output
    hidden = runner.invoke(app, ["imports", "--partnership", "Theirs"])
    assert "youth-justice" not in hidden.output and "children.csv" not in hidden.output


def test_an_error_in_any_file_stores_no_file_and_no_record(partnership, extract: Path) -> None:
    # Checked while storing (a reference), after every file has been parsed and recorded.
    path = extract / "victims.csv"
    lines = path.read_text().splitlines()
    cells = lines[1].split(",")
    cells[1] = "no-such-offence"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="no offence no-such-offence") as caught:
        run_import("youth-justice", [extract], partnership=partnership)
    assert (Path(caught.value.file).name, caught.value.row) == ("victims.csv", 2)
    assert not ImportRecord.objects.exists() and not Child.objects.exists()


def test_published_figures_record_their_import(partnership, tmp_path: Path) -> None:
    from saferplan.youthjustice.comparators import import_comparators

    path = tmp_path / "published.csv"
    path.write_text(
        "indicator,area,period,value\n"
        "first_time_entrants,YOT family,2018-19,221\n"
        'First time entrants,London,FY2018/19,"1,204.5"\n'
    )
    assert import_comparators(path, user="tester") == 2
    record = ImportRecord.objects.get(kind="yj-comparators")
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (record.rows_read, record.rows_kept, record.imported_by) == (2, 2, "tester")
    figures = {f.area: f for f in PublishedFigure.objects.all()}
    assert {f.source_import for f in figures.values()} == {record}
    assert figures["London"].indicator == "first_time_entrants"  # named by its label
    assert figures["London"].period == "2018/19" and figures["London"].value == 1204.5
    assert import_comparators(path) == 0  # the same file twice changes nothing
    assert ImportRecord.objects.count() == 1
    path.write_text("indicator,area,period,value\nfte,London,2018-19,1\n")
    with pytest.raises(InputError) as caught:
        import_comparators(path)
    assert (caught.value.row, caught.value.column) == (2, "indicator")
    assert "saferplan definitions" not in caught.value.problem and caught.value.hint


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("first_time_entrants,London,2018-19,NaN", "value"),
        ("first_time_entrants,London,2018-19,1.23456", "value"),
        ("first_time_entrants,London,2018-19,12345678901", "value"),
        ("first_time_entrants," + "L" * 101 + ",2018-19,1", "area"),
    ],
)
def test_a_published_figure_the_database_cannot_hold_is_refused(
    partnership, tmp_path: Path, row: str, column: str
) -> None:
    from saferplan.youthjustice.comparators import import_comparators

    path = tmp_path / "published.csv"
    path.write_text(f"indicator,area,period,value\n{row}\n")
    with pytest.raises(InputError) as caught:
        import_comparators(path)
    assert (caught.value.row, caught.value.column) == (2, column)
    assert not PublishedFigure.objects.exists() and not ImportRecord.objects.exists()


def test_the_demo_population_by_ethnic_group_says_it_is_synthetic(
    partnership, tmp_path: Path
) -> None:
    from saferplan.youthjustice import service
    from saferplan.youthjustice.demo import import_demo_population_by_ethnicity

    import_demo_population_by_ethnicity(tmp_path, "Harrow")
    record = ImportRecord.objects.get(kind="yj-population-by-ethnicity")
    assert {p.source_import for p in PopulationByEthnicity.objects.all()} == {record}
    records = service.Records(generate_cohort(children=50, seed=2).tables())
    denominator = service.disproportionality_for("2018-19", records=records).denominator
    assert denominator.startswith("Synthetic population aged 10-17 by ethnic group")
    assert not denominator.startswith("Harrow's population")
    assert f"import #{record.pk}" in denominator


def test_population_by_ethnicity_accepts_census_labels_and_refuses_what_it_cannot_hold(
    partnership, tmp_path: Path
) -> None:
    from saferplan.youthjustice.comparators import import_population_by_ethnicity

    path = tmp_path / "population.csv"
    path.write_text(
        "area,year,ethnic_group,population\n"
        'Harrow,2021,"Asian, Asian British or Asian Welsh","7,000"\n'
    )
    assert import_population_by_ethnicity(path, "ONS Census 2021 (TS021)") == 1
    assert PopulationByEthnicity.objects.get().ethnic_group == "Asian"
    for bad, column in (
        ("Harrow,²⁰²¹,White,5", "year"),
        ("Harrow,2021,White,99999999999", "population"),
    ):
        path.write_text(f"area,year,ethnic_group,population\n{bad}\n")
        with pytest.raises(InputError) as caught:
            import_population_by_ethnicity(path)
        assert (caught.value.row, caught.value.column) == (2, column)


def test_the_importers_module_stays_light_and_agrees_with_the_package() -> None:
    # The pipeline loads it for an import of any kind: nothing heavy at module level.
    import subprocess
    import sys

    from saferplan.youthjustice import importers, reading, store
    from saferplan.youthjustice.spec import ALL_TABLES

    assert importers.WORKBOOK_SUFFIXES == reading.WORKBOOK_SUFFIXES
    assert importers.ExtractImporter.kind == store.IMPORT_KIND
    for figures in (importers.ComparatorsImporter, importers.PopulationByEthnicityImporter):
        assert figures.columns == set(ALL_TABLES[figures.table_name].columns)
    code = ("import sys, saferplan.youthjustice.importers\n"
            "print(sorted(m for m in ('pandas', 'django.db.models', 'openpyxl') if m in sys.modules))")  # fmt: skip
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_figures_given_as_another_kind_are_pointed_to_theirs(db, tmp_path: Path) -> None:
    path = tmp_path / "by-group.csv"
    path.write_text("area,year,ethnic_group,population\nHarrow,2021,White,9000\n")
    with pytest.raises(InputError) as caught:
        run_import("population", [path])
    assert "looks like a file of the population aged 10-17 by ethnic group" in caught.value.problem
    assert "saferplan import yj-population-by-ethnicity" in (caught.value.hint or "")
