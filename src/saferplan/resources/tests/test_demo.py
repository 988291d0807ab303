"""The demo's resources: Harrow's budgets as their papers worked them, loaded once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saferplan.resources import service
from saferplan.resources.demo import DEMO_FILES, load_demo_resources
from saferplan.resources.models import FundingStream, Risk

pytestmark = pytest.mark.django_db


def test_the_demo_loads_harrows_tables_once(demo_scope) -> None:
    assert load_demo_resources(demo_scope) == len(DEMO_FILES)
    assert load_demo_resources(demo_scope) == 0
    totals = {year: service.budget_for(demo_scope, year).total for year in ("2017-18", "2019-20")}
    # 2017-18 (004 §6.1): staffing 889,429, in kind 192,887, total 1,082,316.
    assert totals["2017-18"][1:] == (Decimal("889429"), Decimal("192887"), 0, Decimal("1082316"))
    # 2019-20 (001c §6.2): 752,449 + 211,435 cash; 91,866 + 49,173 + 72,885 in kind.
    assert totals["2019-20"][1:] == (Decimal("963884"), Decimal("213924"), 0, Decimal("1177808"))
    assert not service.grant_allocation_for(demo_scope, "2017-18").warnings
    assert all("(sample)" in r.risk for r in Risk.objects.all()) and Risk.objects.count() == 5
    linked = FundingStream.objects.filter(actions__isnull=False).distinct()
    assert linked.count() == 3 and all("(sample)" in s.stream for s in linked)
