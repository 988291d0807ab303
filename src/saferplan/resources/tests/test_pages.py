"""The resources and risk register pages as people use them: totals computed from the lines
shown, lines changed through the forms (audited, refused when wrong or stale), staff's
personal details only for those who may see them, the risk register reviewed and closed,
and downloads whose cells a spreadsheet will not run."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.resources.models import BudgetLine, FundingStream, GrantAllocation, Risk, StaffPost

pytestmark = pytest.mark.django_db
BUDGET_2019_20 = "/resources/2019-20/budget/"


@pytest.fixture
def demo(demo_scope):  # type: ignore[no-untyped-def]
    from saferplan.resources.demo import load_demo_resources

    load_demo_resources(demo_scope)
    return demo_scope


def _client(role: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=role))
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def _police_line() -> BudgetLine:
    return BudgetLine.objects.get(year="2019-20", agency="police")


def test_a_board_member_reads_the_budget_with_its_total_but_cannot_change_it(demo) -> None:
    page = _text(_client("board").get(BUDGET_2019_20))
    # 752,449 + 211,435 staffing; 91,866 + 49,173 + 72,885 in kind (001c §6.2).
    assert "£1,177,808" in page and "£213,924" in page and "£963,884" in page
    assert "Change<span" not in page and "Add a line" not in page
    assert _client("board").post(f"/resources/budget/{_police_line().pk}/", {}).status_code == 403


def test_a_changed_line_changes_the_total_and_is_audited(demo) -> None:
    line = _police_line()
    data = {"agency": "police", "label": line.label, "payments_in_kind": "£100,000.50",
            "staffing_costs": "", "other_delegated_funds": "", "note": line.note,
            "version": line.version}  # fmt: skip
    response = _client("yot").post(f"/resources/budget/{line.pk}/", data)
    assert response.status_code == 302
    changed = _police_line()
    assert changed.payments_in_kind == Decimal("100000.50") and changed.edited
    assert changed.version == line.version + 1
    # In kind: 100,000.50 + 49,173 + 72,885 = 222,058.50; with 963,884 staffing: 1,185,942.50.
    page = _text(_client("board").get(BUDGET_2019_20))
    assert "£222,058.50" in page and "£1,185,942.50" in page
    event = AuditEvent.objects.get(model="resources.BudgetLine", action="changed")
    assert event.user.username == "yot" and event.before["payments_in_kind"] == "91866.00"


def test_a_bad_amount_or_the_grant_inside_a_line_is_refused_and_nothing_changes(demo) -> None:
    line = _police_line()
    base = {"agency": "police", "label": line.label, "version": line.version}
    bad = _client("yot").post(f"/resources/budget/{line.pk}/",
                              {**base, "payments_in_kind": "£91,86x"})  # fmt: skip
    assert bad.status_code == 400 and "There is a problem" in _text(bad)
    council = BudgetLine.objects.get(year="2019-20", agency="local_authority")
    inside = _client("admin").post(f"/resources/budget/{council.pk}/", {
        "agency": "local_authority", "label": "Local Authority (including the YJB grant)",
        "staffing_costs": "963,884", "version": council.version})  # fmt: skip
    assert inside.status_code == 400 and "The YJB grant is its own line" in _text(inside)
    assert _police_line().payments_in_kind == Decimal("91866.00")
    assert BudgetLine.objects.get(pk=council.pk).staffing_costs == Decimal("752449.00")
    assert not AuditEvent.objects.filter(model="resources.BudgetLine").exists()


def test_a_stale_form_is_a_conflict_not_a_lost_change(demo) -> None:
    line = _police_line()
    data = {"agency": "police", "payments_in_kind": "1", "version": line.version}
    assert _client("yot").post(f"/resources/budget/{line.pk}/", data).status_code == 302
    stale = _client("admin").post(
        f"/resources/budget/{line.pk}/", {**data, "payments_in_kind": "2"}
    )
    assert stale.status_code == 409 and "Someone else changed this" in _text(stale)
    assert _police_line().payments_in_kind == Decimal("1.00")
    removed = _client("admin").post(f"/resources/budget/{line.pk}/",
                                    {"remove": "1", "version": line.version})  # fmt: skip
    assert removed.status_code == 409 and BudgetLine.objects.filter(pk=line.pk).exists()


def test_an_added_grant_line_that_breaks_the_sum_is_warned_of_on_the_page(demo) -> None:
    url = "/resources/2017-18/grant-allocation/"
    assert "does not add up" not in _text(_client("board").get(url))
    before = GrantAllocation.objects.filter(year="2017-18").count()
    added = _client("yot").post(f"{url}add/", {"area_of_delivery": "Prevention",
                                                "amount": "£1,000", "version": 0})  # fmt: skip
    assert added.status_code == 302
    assert GrantAllocation.objects.filter(year="2017-18").count() == before + 1
    page = _text(_client("board").get(url))
    assert "govuk-warning-text" in page and "£1,000" in page
    assert AuditEvent.objects.filter(model="resources.GrantAllocation", action="created").exists()


def test_staff_sex_and_ethnicity_only_for_admins_and_youth_justice(demo) -> None:
    url = "/resources/2017-18/staffing/"
    ethnicity = StaffPost.objects.exclude(ethnicity="").values_list("ethnicity", flat=True)[0]
    for role in ("board", "analyst", "police-lead", "council-lead"):
        page = _text(_client(role).get(url))
        assert ethnicity not in page and "Ethnicity" not in page, role
        download = _client(role).get(f"{url}?format=csv").content.decode("utf-8-sig")
        assert ethnicity not in download and "ethnicity" not in download, role
    for role in ("admin", "yot"):
        assert ethnicity in _text(_client(role).get(url)), role


def test_a_risk_is_added_reviewed_and_closed_with_its_reviews(demo) -> None:
    analyst = _client("analyst")
    added = analyst.post("/risks/add/", {"risk": "Court delays (test)", "likelihood": "2",
                                         "impact": "3", "status": "open", "version": 0})  # fmt: skip
    assert added.status_code == 302
    risk = Risk.objects.get(risk="Court delays (test)")
    assert risk.reference == "R6" and risk.reviews.count() == 1
    edit = {"risk": risk.risk, "likelihood": "5", "impact": "4", "status": "open",
            "review_note": "Listings backlog", "version": risk.version}  # fmt: skip
    assert analyst.post(f"/risks/{risk.pk}/edit/", edit).status_code == 302
    risk.refresh_from_db()
    assert risk.score == 20 and risk.reviews.count() == 2
    register = _text(analyst.get("/risks/"))
    assert register.index("Court delays (test)") < register.index("(sample)")  # 20 first
    closed = analyst.post(f"/risks/{risk.pk}/close/", {"version": risk.version})
    assert closed.status_code == 302
    risk.refresh_from_db()
    assert risk.status == "closed" and risk.reviews.count() == 3
    assert "Listings backlog" in _text(_client("board").get(f"/risks/{risk.pk}/"))
    actions = AuditEvent.objects.filter(model="resources.Risk").values_list("action", flat=True)
    assert sorted(actions) == ["changed", "changed", "created"]
    assert _client("yot").post(f"/risks/{risk.pk}/edit/", edit).status_code == 403


def test_a_taken_risk_reference_is_refused(demo) -> None:
    response = _client("admin").post("/risks/add/", {"reference": "r1", "risk": "Again",
                                                     "likelihood": "1", "impact": "1",
                                                     "status": "open", "version": 0})  # fmt: skip
    assert response.status_code == 400 and "already a risk r1" in _text(response)
    assert not Risk.objects.filter(risk="Again").exists()


def test_downloads_do_not_hand_a_spreadsheet_a_formula(demo) -> None:
    stream = FundingStream.objects.order_by("id").first()
    assert stream is not None
    data = {"stream": "=HYPERLINK(\"http://example.invalid\",\"x\")", "project": "+1+1",
            "cash": "£45,000", "version": stream.version}  # fmt: skip
    linked = sorted(stream.actions.values_list("pk", flat=True))
    assert linked, "the sample stream funds an action"
    assert _client("analyst").post(f"/resources/funding/{stream.pk}/", data).status_code == 302
    # The audit trail keeps the actions it funds as ids (they were unlinked: none ticked).
    event = AuditEvent.objects.get(model="resources.FundingStream", action="changed")
    assert event.before["actions"] == linked and event.after["actions"] == []
    download = _client("board").get("/resources/2019-20/funding/?format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://example.invalid","x")' in cells and "'+1+1" in cells
    assert not any(cell.startswith(("=", "+")) for cell in cells)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_client("board").get(
        "/resources/2019-20/funding/?format=xlsx").content))  # fmt: skip
    values = [c for row in book.active.iter_rows(values_only=True) for c in row]  # type: ignore[union-attr]
    assert '=HYPERLINK("http://example.invalid","x")' in values
    formulas = [c for row in book.active.iter_rows() for c in row if c.data_type == "f"]  # type: ignore[union-attr]
    assert formulas == []
