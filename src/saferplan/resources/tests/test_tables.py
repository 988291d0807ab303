"""The tables' figures against the reference documents' own (worked by hand there and here),
and the values as files write them. No database: the table functions are pure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saferplan.core.errors import SaferplanError
from saferplan.resources import tables, values
from saferplan.resources.tables import BudgetLine, GrantLine, Post, Review, RiskEntry

D = Decimal

# Harrow YOS budget 2017-18, cover report (004 §6.1, l.1176-1186), as its lines.
BUDGET_2017_18 = [
    BudgetLine("local_authority", "Local Authority", staffing_costs=D("677994")),
    BudgetLine("police", "Police service", payments_in_kind=D("66231"), note="x2 FTE"),
    BudgetLine("probation", "National Probation Service", payments_in_kind=D("49173")),
    BudgetLine("health", "Health Service - jointly funded CAMHS p/t post",
               payments_in_kind=D("16833")),
    BudgetLine("health", "Health Service - YJLD worker", payments_in_kind=D("60650")),
    BudgetLine("pcc", "Police and Crime Commissioner"),
    BudgetLine("yjb_grant", "YJB Youth Justice Grant", staffing_costs=D("211435")),
]  # fmt: skip
# Harrow 2019-20 (001c §6.2) read coherently: the local authority net of the grant.
BUDGET_2019_20 = [
    BudgetLine("local_authority", "Local Authority", staffing_costs=D("752449")),
    BudgetLine("police", "Police service", payments_in_kind=D("91866")),
    BudgetLine("probation", "National Probation Service", payments_in_kind=D("49173")),
    BudgetLine("health", "Health Service - CAMHS + YJLD", payments_in_kind=D("72885")),
    BudgetLine("yjb_grant", "YJB Youth Justice Grant", staffing_costs=D("211435")),
]


def test_the_2017_18_budget_totals_are_the_cover_reports() -> None:
    table = tables.budget_table(BUDGET_2017_18, "2017-18")
    total = dict(zip(table.keys, table.total or (), strict=True))
    # 677,994 + 211,435; 66,231 + 49,173 + 16,833 + 60,650; and the two (004 §6.1).
    assert total["staffing_costs"] == D("889429")
    assert total["payments_in_kind"] == D("192887")
    assert total["other_delegated_funds"] == 0
    assert total["total"] == D("1082316")
    assert table.total[0] == "Total" and not table.warnings


def test_the_2019_20_budget_totals_read_coherently() -> None:
    table = tables.budget_table(BUDGET_2019_20, "2019-20")
    total = table.records()[-1]
    # In kind 91,866 + 49,173 + 72,885; total resource 963,884 + 213,924 (001c §6.2).
    assert total["payments_in_kind"] == D("213924")
    assert total["staffing_costs"] == D("963884")
    assert total["total"] == D("1177808")


def test_the_budget_has_a_row_per_agency_in_table_1_order_with_the_grant_its_own() -> None:
    table = tables.budget_table(BUDGET_2017_18)
    assert [r[0] for r in table.rows] == [
        "Local authority", "Police", "Probation", "Health", "Police and crime commissioner",
        "YJB youth justice grant", "Other",
    ]  # fmt: skip
    rows = {r["agency"]: r for r in table.records(with_total=False)}
    assert rows["Health"]["payments_in_kind"] == D("77483")  # two lines, one row
    assert rows["YJB youth justice grant"]["total"] == D("211435")
    assert rows["Local authority"]["total"] == D("677994")
    assert rows["Other"]["total"] == 0
    # Each of Health's two lines is named, with its amount.
    assert any("YJLD worker" in n and "£60,650" in n for n in table.notes)


def test_a_budget_without_the_grant_or_lines_is_warned_of() -> None:
    assert tables.budget_table(BUDGET_2017_18[:3]).warnings == (
        "The budget has no YJB youth justice grant line.",
    )
    assert tables.budget_table([], "2019-20").warnings == ("No budget is recorded for 2019/20.",)


GRANT_2017_18 = [
    GrantLine("Service delivery improvements", "AssetPlus", D("100435")),
    GrantLine("Reducing FTE's", "Prevention", D("40000")),
    GrantLine("Reducing Re-Offending", "Analysis", D("30000")),
    GrantLine("Reducing the Use of Custody", "Programmes", D("31000")),
    GrantLine("Restorative Justice work including work with Victims", "Victims", D("10000")),
]


def test_the_grant_allocation_sums_to_the_grant() -> None:
    table = tables.grant_allocation_table(GRANT_2017_18, D("211435"), "2017-18")
    assert table.total == ("Total", "", D("211435"))  # 100,435 + 40,000 + 30,000 + 31,000 + 10,000
    assert not table.warnings
    assert tables.grant_difference(GRANT_2017_18, D("211435")) == 0


def test_an_allocation_that_differs_from_the_grant_is_a_warning() -> None:
    short = GRANT_2017_18[:-1]  # without the £10,000 line
    table = tables.grant_allocation_table(short, D("211435"), "2017-18")
    assert tables.grant_difference(short, D("211435")) == D("-10000")
    assert table.warnings == (
        "The allocation adds up to £201,435, £10,000 less than the YJB grant of £211,435.",
    )
    over = tables.grant_allocation_table(GRANT_2017_18, D("200000.50"))
    assert "£11,434.50 more than the YJB grant of £200,000.50" in over.warnings[0]
    unchecked = tables.grant_allocation_table(GRANT_2017_18, None, "2019-20")
    assert unchecked.warnings == (
        "The budget for 2019/20 has no YJB grant to check the allocation against.",
    )


def test_the_yjb_grant_of_a_budget() -> None:
    assert tables.yjb_grant(BUDGET_2017_18) == D("211435")
    assert tables.yjb_grant(BUDGET_2017_18[:2]) is None


POSTS = [
    Post("Practitioner", "permanent", fte=D("1")),
    Post("Practitioner", "permanent", fte=D("1")),
    Post("Practitioner", "agency", part_time=True, fte=None),
    Post("practitioner ", "secondee", fte=D("0.6"), part_time=True),
    Post("Victim Liaison Officer", "permanent", fte=D("0.5"), vacant=True, part_time=True),
    Post("Police Officer", "secondee", fte=D("1"), sex="female", ethnicity="White British",
         ethnic_group="White"),
]  # fmt: skip


def test_staffing_by_contract_with_fte_totals_and_vacancies() -> None:
    table = tables.staffing_table(POSTS, "2019-20")
    rows = {r["post"]: r for r in table.records()}
    assert rows["Practitioner"]["permanent"] == D("2")
    assert rows["Practitioner"]["agency"] == 0  # its FTE is not recorded
    assert rows["Practitioner"]["secondee"] == D("0.6")  # "practitioner " is the same post
    assert rows["Practitioner"]["total"] == D("2.6")
    assert rows["Victim Liaison Officer"]["vacant"] == D("0.5")
    assert rows["Victim Liaison Officer"]["permanent"] == 0
    assert rows["Total"]["total"] == D("4.1")  # 1 + 1 + 0.6 + 0.5 + 1
    assert rows["Total"]["vacant"] == D("0.5")
    assert "not_recorded" not in table.keys
    totals = tables.fte_totals(POSTS)
    assert (totals.posts, totals.vacant, totals.filled) == (6, 1, 5)
    assert (totals.fte, totals.fte_vacant, totals.fte_not_recorded) == (D("4.1"), D("0.5"), 1)
    assert table.notes[0] == "6 posts (4.10 FTE), of which 1 vacant (0.50 FTE)."
    assert "not recorded for 1 post (Practitioner)" in table.notes[1]


def test_staff_posts_show_personal_details_only_when_asked() -> None:
    hidden = tables.staff_posts_table(POSTS, personal=False)
    assert "sex" not in hidden.keys and "ethnicity" not in hidden.keys
    assert not any("White British" in str(v) for row in hidden.rows for v in row)
    shown = tables.staff_posts_table(POSTS, personal=True)
    assert shown.records()[-1]["ethnicity"] == "White British"
    diversity = tables.staffing_diversity_table(POSTS)
    rows = {r["ethnic_group"]: r for r in diversity.records()}
    assert rows["White"]["female"] == 1
    assert rows["Total"]["total"] == 5  # the vacant post has no one in it


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [(1, 1, 1, "Low"), (2, 2, 4, "Low"), (1, 5, 5, "Medium"), (2, 5, 10, "Medium"),
     (3, 4, 12, "High"), (4, 4, 16, "High"), (4, 5, 20, "Very high"), (5, 5, 25, "Very high")],
)  # fmt: skip
def test_risk_scores_and_bands(likelihood: int, impact: int, score: int, band: str) -> None:
    assert tables.risk_score(likelihood, impact) == score
    assert tables.risk_band(score).label == band


def test_ratings_outside_one_to_five_are_not_scored() -> None:
    with pytest.raises(ValueError):
        tables.risk_score(0, 3)
    with pytest.raises(ValueError):
        tables.risk_score(3, 6)


def test_the_risk_register_highest_first_with_its_reviews() -> None:
    risks = [
        RiskEntry("R1", "Grant cut", 2, 4, review_date=date(2019, 9, 30)),
        RiskEntry("R2", "Secondees withdrawn", 3, 4, reviews=(
            Review(date(2019, 4, 1), 4, 4), Review(date(2019, 7, 1), 3, 4))),
        RiskEntry("R3", "Old risk", 5, 5, status="closed"),
        RiskEntry("R4", "Youth violence", 4, 4, review_date=date(2020, 1, 31)),
    ]  # fmt: skip
    table = tables.risk_table(risks, today=date(2019, 12, 1))
    assert [r[0] for r in table.rows] == ["R4", "R2", "R1"]
    first = table.records()[1]
    assert (first["score"], first["band"]) == (12, "High")
    assert first["reviews"] == "2019-04-01 16 (4×4); 2019-07-01 12 (3×4)"
    assert table.notes == (
        "3 open risks: 2 high, 1 medium.",
        "Past their review date: R1 (2019-09-30).",
        "1 closed risk.",
    )
    everything = tables.risk_table(risks, date(2019, 12, 1), include_closed=True)
    assert everything.rows[-1][0] == "R3" and everything.rows[-1][11] == "Closed"


@pytest.mark.parametrize(
    ("text", "amount"),
    [("£677,994", "677994.00"), ("677994", "677994.00"), ("", "0.00"), ("  ", "0.00"),
     ("1,234.5", "1234.50"), ("£ 12.34", "12.34"), ("0", "0.00"), ("999999999999.99", "999999999999.99"),
     ("£211,435 (Provisional)", None), ("-", None), ("-5", None), ("(5)", None),
     ("1,23", None), ("12.345", None), ("١٢", None), ("1e3", None), ("NaN", None),
     ("1000000000000", None)],
)  # fmt: skip
def test_amounts_as_written(text: str, amount: str | None) -> None:
    found = values.parse_amount(text)
    assert (None if found is None else str(found)) == amount
    if found is None:
        assert values.amount_problem(text)


def test_what_is_wrong_with_an_amount_is_said() -> None:
    assert "note column" in values.amount_problem("£66,231 (x2 FTE Police Officers)")
    assert "blank for none" in values.amount_problem("-")
    assert "negative" in values.amount_problem("-£5")
    assert "two decimal places" in values.amount_problem("1.234")


@pytest.mark.parametrize(
    ("label", "agency"),
    [("Local Authority", "local_authority"), ("Police service", "police"),
     ("Police service (2 x FTE Police Officers)", "police"),
     ("National Probation Service", "probation"),
     ("Health Service - jointly funded CAMHS p/t post", "health"),
     ("Health Service – YJLD worker", "health"), ("Police and Crime Commissioner", "pcc"),
     ("MOPAC", "pcc"), ("YJB Youth Justice Grant (Provisional)", "yjb_grant"),
     ("Other", "other"), ("Total", None), ("Policeman", None), ("Healthy schools", None)],
)  # fmt: skip
def test_agencies_as_plans_print_them(label: str, agency: str | None) -> None:
    found = values.agency_of(label)
    assert (found.key if found else None) == agency


def test_the_grant_is_never_inside_another_line() -> None:
    assert values.says_it_includes_the_grant("Local Authority (including YJB grant)")
    assert values.says_it_includes_the_grant("LA budget, includes the youth justice grant")
    assert not values.says_it_includes_the_grant("Local Authority")


@pytest.mark.parametrize(
    ("text", "contract"),
    [("Permanent", ("permanent", False)), ("Permanent - PT", ("permanent", True)),
     ("Agency – PT", ("agency", True)), ("Secondee", ("secondee", False)),
     ("Secondment", ("secondee", False)), ("Fixed-term", ("fixed_term", False)),
     ("Part time", ("not_recorded", True)), ("", ("not_recorded", False)), ("Volunteer", None)],
)  # fmt: skip
def test_contracts(text: str, contract: tuple[str, bool] | None) -> None:
    assert values.contract_of(text) == contract


@pytest.mark.parametrize(
    ("text", "group"),
    [("Black Caribbean", "Black"), ("Black/British/Caribbean", "Black"), ("Indian", "Asian"),
     ("British Asian", "Asian"), ("White – Australian", "White"), ("White British", "White"),
     ("Mixed - White and Black Caribbean", "Mixed"), ("Arab", "Other"), ("", "Not known"),
     ("Prefer not to say", "Not known"), ("Martian", None)],
)  # fmt: skip
def test_ethnic_groups(text: str, group: str | None) -> None:
    assert values.ethnic_group_of(text) == group


def test_a_cyrillic_m_is_named_as_such() -> None:
    assert values.sex_of("М") is None  # U+041C, as 004's staffing list printed it
    assert "U+041C" in values.lookalike_letters("М")
    assert values.sex_of("M") == "male" and values.lookalike_letters("M") == ""


@pytest.mark.parametrize("text", ["2019-20", "2019/20", "2019/2020", "FY2019-20", "2019"])
def test_financial_years(text: str) -> None:
    assert values.financial_year(text) == "2019-20"
    assert values.year_label("2019-20") == "2019/20"


@pytest.mark.parametrize("text", ["2019-21", "19-20", "2019-13", "x", ""])
def test_not_financial_years(text: str) -> None:
    with pytest.raises(SaferplanError, match="is not a financial year"):
        values.financial_year(text)


def test_money_for_people() -> None:
    assert values.format_money(D("1082316.00")) == "£1,082,316"
    assert values.format_money(D("1234.50")) == "£1,234.50"
    assert values.amount_text(D("5")) == "5.00"
