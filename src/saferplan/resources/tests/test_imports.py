"""Importing resources and risks through the import pipeline: the reference tables' figures
come back as their documents worked them, a Total row that disagrees stops the import
naming the column, the printed total and the sum, and nothing half-done is ever stored."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.models import ImportRecord
from saferplan.resources import service
from saferplan.resources.models import BudgetLine, GrantAllocation, Risk, StaffPost

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
D = Decimal
HEADER = "agency,staffing_costs,payments_in_kind,other_delegated_funds,note\n"
# Harrow's 2019-20 finance table exactly as printed (001c §6.2): the local authority's
# £963,884 includes the YJB grant, which is listed again, and the Total nets it out.
PRINTED_2019_20 = (
    "agency,staffing_costs,payments_in_kind,other_delegated_funds,total\n"
    "Local Authority,963884,,,963884\n"
    "Police service (2 x FTE Police Officers),,91866,,91866\n"
    "National Probation Service (1 x FTE Probation Officer),,49173,,49173\n"
    '"Health Service - jointly funded CAMHS p/t post) + 1 x YJLD worker",,72885,,72885\n'
    "Police and Crime Commissioner,,,,\n"
    '"YJB Youth Justice Grant (Provisional figure based on 2018-19 allocation) - (YRO Unpaid '
    'work order is included in this grant)",211435,,,211435\n'
    "Other,,,,\n"
    "Total (as printed),752449,213924,,966373\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _total(table) -> dict:  # type: ignore[no-untyped-def]
    return dict(zip(table.keys, table.total, strict=True))


def _nothing_stored() -> bool:
    return not BudgetLine.objects.exists() and not ImportRecord.objects.exists()


def test_the_reference_budgets_come_back_as_their_documents_worked_them(partnership) -> None:
    service.import_file("budget", FIXTURES / "budget_2017_18.csv", "2017-18")
    service.import_file("budget", FIXTURES / "budget_2019_20.csv", "2019-20")
    earlier = _total(service.budget_for(partnership, "2017-18"))
    assert (earlier["staffing_costs"], earlier["payments_in_kind"], earlier["total"]) == (
        D("889429"), D("192887"), D("1082316"))  # fmt: skip
    later = _total(service.budget_for(partnership, "2019/20"))
    assert (later["payments_in_kind"], later["total"]) == (D("213924"), D("1177808"))
    # The 2017-18 file's own Total row was checked, not kept.
    assert BudgetLine.objects.filter(year="2017-18").count() == 8
    assert not BudgetLine.objects.filter(label__istartswith="total").exists()
    record = ImportRecord.objects.get(kind="resources-budget", notes__year="2017-18")
    assert record.partnership == partnership and record.notes["total_row"] == 10
    assert (record.rows_read, record.rows_kept) == (9, 8)


def test_a_total_row_that_disagrees_is_refused_naming_column_printed_total_and_sum(
    partnership, tmp_path: Path
) -> None:
    path = _write(tmp_path, "finance-2019-20.csv", PRINTED_2019_20)
    with pytest.raises(InputError) as refused:
        service.import_file("budget", path, "2019-20")
    error = refused.value
    assert (error.file, error.row, error.column) == (str(path), 9, "staffing_costs")
    # 963,884 + 211,435 = 1,175,319 against the printed 752,449: twice the grant apart.
    assert "the Total row gives £752,449 but the lines add up to £1,175,319" in error.message
    assert "twice the YJB grant" in (error.hint or "")
    assert _nothing_stored()


def test_every_column_of_a_total_row_is_checked(partnership, tmp_path: Path) -> None:
    text = HEADER + "Police,,100,,\nHealth,,50,,\nOther,,,25,\nTotal,,150,20,\n"
    with pytest.raises(InputError) as refused:
        service.import_file("budget", _write(tmp_path, "b.csv", text), "2019-20")
    assert refused.value.column == "other_delegated_funds"
    assert "gives £20 but the lines add up to £25" in refused.value.message
    # A blank total cell is 0, and 0 is what the lines add up to.
    fine = HEADER + "Police,,100,,\nHealth,,50,,\nTotal,,£150,,\n"
    service.import_file("budget", _write(tmp_path, "c.csv", fine), "2019-20")
    assert BudgetLine.objects.count() == 2


def test_amounts_as_written_and_blanks_as_nothing(partnership, tmp_path: Path) -> None:
    text = HEADER + 'Local Authority,"£677,994",,,\nPolice service,," £66,231.50 ",,x2 FTE\n'
    service.import_file("budget", _write(tmp_path, "b.csv", text), "2017-18")
    la, police = BudgetLine.objects.order_by("order")
    assert (la.staffing_costs, la.payments_in_kind, la.other_delegated_funds) == (
        D("677994.00"), D("0.00"), D("0.00"))  # fmt: skip
    assert police.payments_in_kind == D("66231.50") and police.note == "x2 FTE"
    assert police.agency == "police" and police.label == "Police service"


@pytest.mark.parametrize(
    ("line", "column", "said"),
    [('Police service,,"£66,231 (x2 FTE Police Officers)",,', "payments_in_kind", "note column"),
     ("Police service,,-,,", "payments_in_kind", "blank for none"),
     ("Police service,,-66231,,", "payments_in_kind", "negative"),
     ("Policing Board,,66231,,", "agency", "is not an agency"),
     ("Local Authority (including the YJB grant),963884,,,", "agency", "its own row"),
     (",,66231,,", "agency", "the agency is empty")],
)  # fmt: skip
def test_a_bad_cell_is_refused_by_row_and_column(
    partnership, tmp_path: Path, line: str, column: str, said: str
) -> None:
    path = _write(tmp_path, "b.csv", HEADER + "Local Authority,1,,,\n" + line + "\n")
    with pytest.raises(InputError) as refused:
        service.import_file("budget", path, "2019-20")
    assert (refused.value.row, refused.value.column) == (3, column)
    assert said in refused.value.message
    assert _nothing_stored()


def test_a_line_total_that_disagrees_with_its_amounts(partnership, tmp_path: Path) -> None:
    # Appendix 3 of 2017 printed the YJLD worker's £60,650 on the PCC's row (004 §6.2).
    text = ("agency,staffing_costs,payments_in_kind,other_delegated_funds,total\n"
            'Health Service,,"£16,833",,"£16,833"\nPolice and Crime Commissioner,,,,"£60,650"\n')  # fmt: skip
    with pytest.raises(InputError) as refused:
        service.import_file("budget", _write(tmp_path, "app3.csv", text), "2017-18")
    assert (refused.value.row, refused.value.column) == (3, "total")
    assert "the line's total is £60,650 but its amounts add up to £0" in refused.value.message


def test_the_same_file_twice_changes_nothing(partnership, tmp_path: Path) -> None:
    first = service.import_file("budget", FIXTURES / "budget_2019_20.csv", "2019-20")
    lines = list(BudgetLine.objects.values_list("pk", "label", "staffing_costs"))
    copy = tmp_path / "renamed.csv"
    copy.write_bytes((FIXTURES / "budget_2019_20.csv").read_bytes())
    again = service.import_file("budget", copy, "2019-20")
    assert not again.imported and again.skipped[0][1] == first.imported[0]
    assert list(BudgetLine.objects.values_list("pk", "label", "staffing_costs")) == lines
    assert ImportRecord.objects.count() == 1


def test_a_new_file_for_the_year_replaces_the_old_and_says_so(partnership, tmp_path) -> None:
    old = service.import_file("budget", FIXTURES / "budget_2019_20.csv", "2019-20").imported[0]
    service.import_file("budget", FIXTURES / "budget_2017_18.csv", "2017-18")
    text = HEADER + "Local Authority,800000,,,\nYJB Youth Justice Grant,211435,,,\n"
    new = service.import_file("budget", _write(tmp_path, "revised.csv", text), "2019-20")
    record = new.imported[0]
    assert record.notes["replaces"] == [old.pk] and record.notes["lines_replaced"] == 7
    assert list(BudgetLine.objects.filter(year="2019-20").values_list("label", flat=True)) == [
        "Local Authority", "YJB Youth Justice Grant"]  # fmt: skip
    assert BudgetLine.objects.filter(year="2017-18").count() == 8  # another year: untouched
    assert ImportRecord.objects.filter(pk=old.pk).exists()  # kept, for provenance
    event = AuditEvent.objects.filter(object_id=str(record.pk)).get()
    assert event.action == "imported" and f"replacing 7 lines (import #{old.pk})" in event.summary


def test_a_year_is_needed_and_read_as_people_write_it(partnership, tmp_path: Path) -> None:
    with pytest.raises(SaferplanError, match="for a financial year"):
        service.import_file("budget", FIXTURES / "budget_2019_20.csv")
    with pytest.raises(SaferplanError, match="is not a financial year"):
        service.import_file("budget", FIXTURES / "budget_2019_20.csv", "2019-2021")
    from saferplan.datastore.importing import run_import

    run_import("resources-budget", [FIXTURES / "budget_2019_20.csv"], options={"year": 2019},
               partnership=partnership)  # fmt: skip
    assert set(BudgetLine.objects.values_list("year", flat=True)) == {"2019-20"}


def test_a_restricted_kind_needs_its_partnership(db) -> None:
    from saferplan.datastore.importing import run_import

    with pytest.raises(SaferplanError, match="partnership's own data"):
        run_import("resources-budget", [FIXTURES / "budget_2019_20.csv"], options={"year": 2019})


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook(partnership, tmp_path: Path) -> None:
    rows = [["Agency", "Staffing costs (£)", "Payments in kind - revenue (£)",
             "Other delegated funds (£)", "Note"],
            ["Local Authority", 677994, None, None, None],
            ["Police service", None, "£66,231", None, "x2 FTE Police Officers"],
            ["YJB Youth Justice Grant", 211435.5, None, None, None],
            [None, None, None, None, None],
            ["Total", 889429.5, 66231, 0, None]]  # fmt: skip
    path = tmp_path / "budget.xlsx"
    path.write_bytes(_workbook({"Contents": [["About this workbook"]], "Budget": rows}))
    service.import_file("budget", path, "2017-18")
    total = _total(service.budget_for(partnership, "2017-18"))
    assert (total["staffing_costs"], total["total"]) == (D("889429.50"), D("955660.50"))
    rows[5][1] = 889429
    path.write_bytes(_workbook({"Budget": rows}))
    with pytest.raises(InputError) as refused:
        service.import_file("budget", path, "2018-19")
    assert refused.value.file == f"{path} [sheet Budget]"
    assert (refused.value.row, refused.value.column) == (6, "staffing_costs")


def test_a_workbook_of_other_sheets_or_a_zip_bomb_is_refused(partnership, tmp_path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(_workbook({"One": [["x"]], "Two": [["y"]]}))
    with pytest.raises(InputError, match="none is called 'budget'"):
        service.import_file("budget", path, "2019-20")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    with pytest.raises(InputError, match="possible zip bomb"):
        service.import_file("budget", bomb, "2019-20")
    not_a_workbook = _write(tmp_path, "fake.xlsx", "agency,staffing_costs\n")
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        service.import_file("budget", not_a_workbook, "2019-20")
    assert _nothing_stored()


def test_the_grant_allocation_is_checked_against_the_years_grant(partnership) -> None:
    service.import_file("grant-allocation", FIXTURES / "grant_allocation_2017_18.csv", "2017-18")
    unchecked = service.grant_allocation_for(partnership, "2017-18")
    assert unchecked.warnings == (
        "The budget for 2017/18 has no YJB grant to check the allocation against.",)  # fmt: skip
    service.import_file("budget", FIXTURES / "budget_2017_18.csv", "2017-18")
    table = service.grant_allocation_for(partnership, "2017-18")
    assert not table.warnings and table.total == ("Total", "", D("211435"))
    GrantAllocation.objects.filter(area_of_delivery="Reducing Re-Offending").update(amount=25000)
    assert service.grant_allocation_for(partnership, "2017-18").warnings == (
        "The allocation adds up to £206,435, £5,000 less than the YJB grant of £211,435.",)  # fmt: skip


def test_the_2017_18_staffing_list(partnership) -> None:
    service.import_file("staffing", FIXTURES / "staffing_2017_18.csv", "2017-18")
    assert StaffPost.objects.count() == 24  # 004 §6.5: 24 posts, 17 F and 7 M
    assert StaffPost.objects.filter(sex="female").count() == 17
    assert StaffPost.objects.filter(contract="agency").count() == 2
    assert StaffPost.objects.filter(contract="secondee").count() == 5
    assert StaffPost.objects.filter(part_time=True).count() == 4
    assert set(StaffPost.objects.values_list("ethnic_group", flat=True)) == {"White", "Black",
                                                                             "Asian"}  # fmt: skip
    table = service.staffing_for(partnership, "2017-18")
    assert _total(table)["total"] == D("20.60")  # 20 posts of 1.0 and one of 0.6


def test_a_staff_list_with_a_cyrillic_m_is_refused_naming_the_letter(partnership, tmp_path):  # type: ignore[no-untyped-def]
    text = "post,contract,sex,ethnicity\nHead of Service,Permanent,\u041c,Black Caribbean\n"
    with pytest.raises(InputError) as refused:
        service.import_file("staffing", _write(tmp_path, "s.csv", text), "2017-18")
    assert (refused.value.row, refused.value.column) == (2, "sex")
    assert "U+041C" in refused.value.message
    vacant = "post,contract,sex,vacant\nVictim Liaison Officer,,F,yes\n"
    with pytest.raises(InputError, match="a vacant post has no one in it"):
        service.import_file("staffing", _write(tmp_path, "v.csv", vacant), "2019-20")


def test_funding_streams_are_linked_to_the_actions_they_fund(demo_scope, tmp_path) -> None:
    service.import_file("funding", FIXTURES / "funding_2019_20_sample.csv", "2019-20")
    from saferplan.resources.models import FundingStream

    stream = FundingStream.objects.get(project__startswith="Independent domestic abuse")
    assert sorted(a.reference for a in stream.actions.all()) == ["1920-HH3-01", "1920-HH3-04"]
    table = service.funding_for(demo_scope, "2019-20")
    assert _total(table)["total"] == D("162000")  # 45,000 + 12,000 + 60,000 + 15,000 + 30,000
    text = "stream,project,cash,in_kind,actions\nLCPF,Gangs,100,,1920-HH1a-02; 1920-HH9-99\n"
    with pytest.raises(InputError) as refused:
        service.import_file("funding", _write(tmp_path, "f.csv", text), "2020-21")
    assert (refused.value.row, refused.value.column) == (2, "actions")
    assert "'1920-HH9-99' is not an action" in refused.value.message
    assert FundingStream.objects.filter(year="2020-21").count() == 0


def test_the_risk_register_is_kept_up_to_date_with_its_reviews(partnership, tmp_path) -> None:
    service.import_file("risks", FIXTURES / "risks_sample.csv")
    assert Risk.objects.count() == 5
    header = "reference,risk,likelihood,impact,status\n"
    later = header + (
        "R3,Serious youth violence rises beyond the service's capacity (sample),3,4,open\n"
        "R1,The YJB grant is reduced or held back (sample),2,4,closed\n"
        ",A new risk without a reference,2,2,\n"
    )
    record = service.import_file("risks", _write(tmp_path, "later.csv", later)).imported[0]
    assert (record.notes["added"], record.notes["updated"]) == (1, 2)
    assert (
        Risk.objects.count() == 6 and Risk.objects.get(risk__startswith="A new").reference == "R6"
    )
    r3 = Risk.objects.get(reference="R3")
    assert [(r.likelihood, r.impact) for r in r3.reviews.all()] == [(4, 4), (3, 4)]
    assert r3.reviews.first().reviewed_on.isoformat() == "2019-06-01"
    assert Risk.objects.get(reference="R1").status == "closed"
    table = service.risks_for(partnership)
    assert [r[0] for r in table.rows] == ["R2", "R3", "R4", "R5", "R6"]  # 12, 12, 9, 9, 4


@pytest.mark.parametrize(
    ("row", "column", "said"),
    [("R1,A risk,3,4,13", "score", "is not likelihood 3 × impact 4 = 12"),
     ("R1,A risk,6,4,", "likelihood", "from 1 to 5"), ("R1,A risk,,4,", "likelihood", "empty"),
     ("R 1,A risk,1,4,", "reference", "is not a reference")],
)  # fmt: skip
def test_a_bad_risk_is_refused(partnership, tmp_path, row: str, column: str, said: str) -> None:
    path = _write(tmp_path, "r.csv", "reference,risk,likelihood,impact,score\n" + row + "\n")
    with pytest.raises(InputError) as refused:
        service.import_file("risks", path)
    assert (refused.value.row, refused.value.column) == (
        2,
        column,
    ) and said in refused.value.message
    twice = "reference,risk,likelihood,impact\nR1,One,1,1\nr1,Two,2,2\n"
    with pytest.raises(InputError, match="also on row 2"):
        service.import_file("risks", _write(tmp_path, "twice.csv", twice))
    assert not Risk.objects.exists() and not ImportRecord.objects.exists()


def test_a_file_of_another_kind_is_pointed_to_its_own(partnership) -> None:
    with pytest.raises(InputError, match="looks like a youth justice budget file"):
        service.import_file("staffing", FIXTURES / "budget_2019_20.csv", "2019-20")
