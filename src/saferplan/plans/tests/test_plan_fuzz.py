"""Fuzzing the plan importer: whatever the file holds, either the plan is imported or an
error names the file (and the row and column where there is one), and nothing is stored;
never a traceback (issue #10). Bounded: a fixed number of examples, small files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.core.errors import InputError, SaferplanError
from saferplan.plans.importing import import_plan
from saferplan.plans.models import Action, LeadAlias, ProgressUpdate, StrategyYear
from saferplan.plans.planfile import read_plan_path

pytestmark = pytest.mark.django_db
FILE = "fuzzed-plan.csv"
COLUMNS = ["section", "objective_code", "objective_heading", "action", "lead_raw", "row_id",
           "measures_targets", "review_point_deadline_raw", "deadline_normalised",
           "update_progress", "progress_text", "rag_raw", "rag_or_label", "new_action_flag",
           "disposition_2019_20", "predecessor_2018_19", "successor_2019_20", "plan"]  # fmt: skip
# Cells like real plans' and like their mistakes: dates, ratings, decisions, formulas,
# quotes, line breaks, control characters, long text.
SHAPED = st.sampled_from([
    "", "HV1", "HH1a", "High Volume Crime", "2020-03", "2020-13", "2019-10, then ongoing",
    "started 2018-06; ongoing", "March 2020", "Ongoing", "Green", "Amber", "Red", "NEW ACTION",
    "Purple", "Y", "N", "maybe", "CONTINUE 2019/20", "COMPLETE", "REMOVE", "????",
    "UPDATE 10th Jan 2019 done", "25 Feb 19 update: more", "31 Feb 19 update: x", "=1+1",
    "1819-HV1-01", "1920-HV1-01 (successor)", "Delivery Plan 2019/20", "a,b", 'say "hi"',
    "line\nbreak", "tab\there", "nul\x00byte", "bell\x07", "x" * 301, "y" * 20_001,
])  # fmt: skip
CELL = st.one_of(SHAPED, st.text(st.characters(blacklist_categories=["Cs"]), max_size=40))


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def plan_files(draw: st.DrawFn) -> str:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=3, max_size=12, unique=True))
    if draw(st.booleans()):
        header = list(dict.fromkeys(["section", "objective_code", "objective_heading",
                                     "action", "lead_raw", *header]))  # fmt: skip
    width = len(header) + draw(st.integers(-2, 1))
    rows = draw(st.lists(st.lists(CELL, min_size=max(width, 0), max_size=max(width, 0)),
                         max_size=6))  # fmt: skip
    text = _csv(header, rows)
    if draw(st.booleans()):  # cut anywhere: a truncated or broken file
        text = text[: draw(st.integers(0, len(text)))]
    return text


def _stored() -> tuple[int, ...]:
    return (StrategyYear.objects.count(), Action.objects.count(), ProgressUpdate.objects.count(),
            LeadAlias.objects.count(), AuditEvent.objects.count())  # fmt: skip


def _check_error(error: SaferplanError, before: tuple[int, ...]) -> None:
    assert error.message.startswith(FILE) or not isinstance(error, InputError)
    if isinstance(error, InputError):
        assert error.file == FILE
    assert _stored() == before


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(text=plan_files())
def test_any_plan_file_is_imported_or_refused_cleanly(text: str) -> None:
    partnership, _ = Partnership.objects.get_or_create(name="Fuzz")
    before = _stored()
    try:
        year = import_plan(text, FILE, partnership, "2020/21")
    except SaferplanError as error:
        _check_error(error, before)
    else:
        assert Action.objects.filter(objective__priority__year=year).exists()
        year.delete()  # the next example starts from nothing again
        AuditEvent.objects.all().delete()
        LeadAlias.objects.all().delete()


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_read_or_refused_cleanly(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzzed{suffix}"
    path.write_bytes(b"section,objective_code,objective_heading,action,lead_raw\n" + data
                     if suffix == ".csv" else data)  # fmt: skip
    try:
        read_plan_path(str(path))
    except SaferplanError as error:
        assert str(path) in error.message
