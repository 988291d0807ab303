"""Malformed resources and risk files, generated with the shared strategies: whatever is done
to a valid file, its import either stores it whole or refuses it with a message naming the
file (and a row inside it, where it gives one), storing nothing; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from saferplan.core.errors import InputError
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.tests.fuzzing import FUZZ, check_refused_or_whole, mutated_csv
from saferplan.resources import service
from saferplan.resources.models import (
    BudgetLine,
    FundingStream,
    GrantAllocation,
    Risk,
    RiskReview,
    StaffPost,
)

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VALID = {
    "budget": (FIXTURES / "budget_2017_18.csv").read_text(encoding="utf-8"),
    "grant-allocation": (FIXTURES / "grant_allocation_2017_18.csv").read_text(encoding="utf-8"),
    "staffing": (FIXTURES / "staffing_2017_18.csv").read_text(encoding="utf-8"),
    "funding": "stream,project,cash,in_kind,note,actions,total\n"
    'LCPF,Mentoring,"£45,000",,year 3 of 4,,45000\nRemand budget,,30000,,,,30000\n'
    "Total,,75000,,,,75000\n",
    "risks": (FIXTURES / "risks_sample.csv").read_text(encoding="utf-8"),
}


def _state() -> tuple[int, ...]:
    models = (BudgetLine, GrantAllocation, StaffPost, FundingStream, Risk, RiskReview)
    return (*(m.objects.count() for m in models), ImportRecord.objects.count())


@FUZZ
@given(data=st.data())
def test_every_import_refuses_a_damaged_file_clearly_or_stores_it_whole(
    partnership, data: st.DataObject
) -> None:
    table = data.draw(st.sampled_from(sorted(VALID)))
    damaged = data.draw(mutated_csv(VALID[table]))
    year = None if table == "risks" else "2019-20"
    with transaction.atomic():
        error = check_refused_or_whole(
            lambda path: service.import_file(table, path, year), f"{table}.csv", damaged, _state
        )
        if error is None:
            assert ImportRecord.objects.filter(kind=f"resources-{table}").exists()
        elif isinstance(error, InputError) and error.column is not None:
            assert len(error.column) <= 60, error
        transaction.set_rollback(True)
