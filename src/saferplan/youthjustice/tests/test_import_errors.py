"""The youth justice importer's cases from issue #10: a clear error naming the file, row and
column for every bad extract (never a traceback), nothing stored, nothing dropped silently;
and the youth justice pages' bad parameters and refused attempts."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import InputError
from saferplan.youthjustice.files import write_tables
from saferplan.youthjustice.models import Child, Offence
from saferplan.youthjustice.store import import_extract
from saferplan.youthjustice.synth import generate_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    write_tables(generate_cohort(children=20, seed=3).tables(), folder)
    return folder


def _edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` counted as the file's line: the header is 1)."""
    rows = list(csv.DictReader(path.open(newline="")))
    rows[row - 2][column] = value
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _refused(extract: Path) -> InputError:
    from saferplan.datastore.models import ImportRecord

    with pytest.raises(InputError) as caught:
        import_extract(extract)
    assert Child.objects.count() == 0 and ImportRecord.objects.count() == 0
    return caught.value


def test_a_superscript_two_gravity_is_an_error_not_a_traceback(partnership, extract: Path) -> None:
    _edit(extract / "offences.csv", 3, "gravity", "²")
    error = _refused(extract)
    assert (Path(error.file).name, error.row, error.column) == ("offences.csv", 3, "gravity")
    assert "'²' is not a gravity score 1-8" in error.problem


def test_a_10_mb_cell_is_an_error_naming_the_file_and_row(partnership, extract: Path) -> None:
    _edit(extract / "children.csv", 4, "home_la", "x" * (10 << 20))
    error = _refused(extract)
    assert (Path(error.file).name, error.row) == ("children.csv", 4)
    assert len(str(error)) < 1000  # the cell is not quoted whole


def test_a_value_longer_than_its_field_is_refused(partnership, extract: Path) -> None:
    # The child's reference, 501 characters long, in every table that names the child.
    old, long_ref = next(csv.DictReader((extract / "children.csv").open()))["child_ref"], "C" * 501
    for path in extract.glob("*.csv"):
        path.write_text(path.read_text().replace(f"{old},", f"{long_ref},"))
    error = _refused(extract)
    assert error.column == "child_ref"
    assert "(501 characters) is too long: child_ref holds at most 40 characters" in error.problem
    for path in extract.glob("*.csv"):
        path.write_text(path.read_text().replace(f"{long_ref},", f"{old},"))
    _edit(extract / "children.csv", 3, "home_la", "H" * 101)
    error = _refused(extract)
    assert (Path(error.file).name, error.row, error.column) == ("children.csv", 3, "home_la")


def test_an_extra_column_is_refused_not_dropped(partnership, extract: Path) -> None:
    path = extract / "offences.csv"
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0] + ",weapon"] + [line + ",knife" for line in lines[1:]]) + "\n"
    )
    error = _refused(extract)
    assert (Path(error.file).name, error.row, error.column) == ("offences.csv", 1, "weapon")
    assert "'weapon' is not a column of offences" in error.problem
    assert "--columns" in (error.hint or "")


def test_row_numbers_count_blank_lines(partnership, extract: Path) -> None:
    path = extract / "offences.csv"
    lines = path.read_text().splitlines()
    # Two blank lines after the header's next five rows: the 8th record is on line 9... then
    # break the record on line 9 (the 6th record after the header, pushed down by two).
    lines[6:6] = ["", ""]
    record = lines[8].split(",")
    record[4] = "99"  # gravity
    lines[8] = ",".join(record)
    path.write_text("\n".join(lines) + "\n")
    error = _refused(extract)
    assert (error.row, error.column) == (9, "gravity")


def test_row_numbers_count_the_lines_of_multi_line_cells(partnership, extract: Path) -> None:
    path = extract / "offences.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    rows[0]["offence_type"] = "Violence\nagainst the\nperson"  # three lines, one record
    rows[3]["gravity"] = "0"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    # The header is line 1, the first record lines 2-4; the fourth record starts on line 7.
    error = _refused(extract)
    assert (error.row, error.column) == (7, "gravity")


def test_a_row_with_too_few_cells_is_refused(partnership, extract: Path) -> None:
    path = extract / "remands.csv"
    text = path.read_text()
    lines = text.splitlines()
    if len(lines) < 2:
        pytest.skip("no remands in this cohort")
    lines[1] = lines[1].rsplit(",", 1)[0]
    path.write_text("\n".join(lines) + "\n")
    error = _refused(extract)
    assert error.row == 2 and "cells but the header has 4" in error.problem


def test_the_same_offence_linked_twice_to_an_outcome_is_refused(partnership, extract: Path) -> None:
    path = extract / "outcomes.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n")
    error = _refused(extract)
    assert error.row == len(lines) and error.column == "offence_id"
    assert Offence.objects.count() == 0


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/youth-justice/?population=abc", "population"),
        ("/youth-justice/?period=garbage", "period"),
        ("/youth-justice/tracker/?period=garbage", "period"),
        ("/youth-justice/tracker/?today=31/12/2019", "date"),
        ("/youth-justice/disproportionality/?period=garbage", "period"),
        ("/youth-justice/disproportionality/?measure=nope", "measure"),
        ("/youth-justice/profile/?period=2018-13..2019-02", "period"),
        ("/youth-justice/profile/?format=pdf", "format"),
    ],
)
def test_bad_parameters_get_a_400_page_saying_which(demo_scope, url: str, parameter: str) -> None:
    response = _client("yot").get(url)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"The {parameter} '" in page
    assert "Sign out" in page and "govuk-header" in page  # in the app's layout


def test_refused_attempts_are_audited_with_the_user_and_partnership(demo_scope) -> None:
    assert _client("analyst").get("/youth-justice/tracker/?period=2018-19").status_code == 403
    event = AuditEvent.objects.get(action="refused")
    assert event.user.username == "analyst" and event.partnership == demo_scope
    assert event.model == "youthjustice" and "tracker" in event.summary
