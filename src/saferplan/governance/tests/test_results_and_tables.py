"""Results and the document blocks, against counts worked out by hand from the answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from saferplan.governance import tables
from saferplan.governance.results import Given, ItemSpec, tabulate

YNP = (("yes", "Yes"), ("no", "No"), ("partially", "Partially"))
CHANNELS = (("Email", "Email"), ("Website", "Website"), ("other", "Other"))
ITEMS = [
    ItemSpec(1, 1, "ynp", "Are the strategic objectives the right ones?", YNP),
    ItemSpec(2, 2, "text", "How could it be improved?"),
    ItemSpec(3, 3, "channels", "How should we publicise opportunities?", CHANNELS),
    ItemSpec(4, 4, "contact", "Would you like to be involved?",
             (("yes", "Yes"), ("no", "No"), ("maybe", "Maybe"))),
]  # fmt: skip


def _answers() -> list[Given]:
    # Eight respondents: Q1 yes x5, no x1, partially x1, one gave only a comment.
    q1 = ["yes"] * 5 + ["no", "partially", ""]
    given = [
        Given(1, c, (), "Needs more on prevention" if i == 6 else "") for i, c in enumerate(q1)
    ]
    given[7] = Given(1, "", (), "A comment without an answer")
    given += [Given(2, text="Invite the youth parliament"), Given(2, text="   ")]
    given += [Given(3, choices=("Email", "Website")), Given(3, choices=("Email",)),
              Given(3, choices=("other",), text="Instagram")]  # fmt: skip
    given += [Given(4, "yes"), Given(4, "no"), Given(4, "maybe")]
    return given


def test_counts_and_shares_are_of_those_answering_each_question() -> None:
    results = {r.number: r for r in tabulate(ITEMS, _answers(), respondents=8)}
    q1 = results[1]
    # 7 answered Q1 (the eighth gave only a comment): 5/7 = 71.43 -> 71.4, 1/7 = 14.29 -> 14.3.
    assert (q1.answered, q1.not_answered) == (7, 1)
    assert [(c.label, c.count, c.share) for c in q1.counts] == [
        ("Yes", 5, Decimal("71.4")), ("No", 1, Decimal("14.3")), ("Partially", 1, Decimal("14.3"))]  # fmt: skip
    assert q1.texts == ["Needs more on prevention", "A comment without an answer"]
    assert results[2].texts == ["Invite the youth parliament"] and results[2].answered == 1


def test_multiple_choice_shares_can_add_up_to_more_than_100() -> None:
    q3 = {r.number: r for r in tabulate(ITEMS, _answers(), respondents=8)}[3]
    # 3 answered; Email ticked by 2 (66.67 -> 66.7), Website 1 (33.3), Other 1 (33.3).
    assert [(c.value, c.count, c.share) for c in q3.counts] == [
        ("Email", 2, Decimal("66.7")), ("Website", 1, Decimal("33.3")), ("other", 1, Decimal("33.3"))]  # fmt: skip
    assert sum(c.share for c in q3.counts if c.share) > 100
    assert q3.texts == ["Instagram"]


def test_shares_round_half_up() -> None:
    # 1 of 8 is exactly 12.5; 1 of 16 is 6.25 -> 6.3 (half-up), where round() gives 6.2.
    one_in = [Given(1, "yes")] + [Given(1, "no")] * 15
    yes = tabulate(ITEMS[:1], one_in, 16)[0].counts[0]
    assert yes.share == Decimal("6.3")


def test_no_answers_give_no_shares() -> None:
    q1 = tabulate(ITEMS[:1], [], respondents=0)[0]
    assert [c.share for c in q1.counts] == [None, None, None] and q1.answered == 0


def test_consultation_results_chart_the_yes_no_partially_questions() -> None:
    found = tables.consultation_results("Plan", ITEMS, _answers(), 8)
    (chart,) = found.charts
    assert chart.categories == ["Q1"]
    assert chart.series == {"Yes": [5], "No": [1], "Partially": [1]}


M = tables.MemberRecord


def test_board_attendance_counts_each_partner_once_per_meeting() -> None:
    members = [M(1, "Chair", "Chair", "Council"), M(2, "Head of YOT", "", "Council"),
               M(3, "Superintendent", "", "Police"), M(4, "Nurse", "", "Health"),
               M(5, "Left", "", "Probation", ends_on=date(2019, 1, 31))]  # fmt: skip
    meetings = [
        tables.MeetingRecord(10, date(2019, 5, 10), {1: "apologies", 2: "present", 3: "deputy", 4: "absent"}),
        tables.MeetingRecord(11, date(2019, 6, 21), {1: "present", 2: "present", 3: "apologies", 4: "apologies"}),
        tables.MeetingRecord(12, date(2019, 7, 1), {}),  # attendance not recorded: not counted
        tables.MeetingRecord(13, date(2018, 12, 1), {5: "present"}),  # before the period
    ]  # fmt: skip
    table = tables.board_membership_and_attendance(
        members, meetings, date(2019, 4, 1), date(2020, 3, 31)
    )
    # Places: 10 May Council (yes: Head of YOT), Police (deputy: yes), Health (no);
    # 21 June Council (yes), Police (no), Health (no). 3 of 6 = 50.0%.
    assert (table.meetings, table.places, table.attended, table.share) == (2, 6, 3, Decimal("50.0"))
    rows = {r.person: r for r in table.rows}
    assert "Left" not in rows  # left before the period
    assert (rows["Chair"].present, rows["Chair"].apologies, rows["Chair"].share) == (
        1,
        1,
        Decimal("50.0"),
    )
    assert (rows["Superintendent"].deputy, rows["Superintendent"].share) == (1, Decimal("50.0"))
    assert table.chart.series == {"Attended": [2, 1], "Not represented": [1, 2]}
    places = tables.partner_places(members, meetings, date(2019, 4, 1), date(2020, 3, 31))
    assert [(p.partner, p.attended) for p in places] == [
        ("Council", True), ("Health", False), ("Police", True),
        ("Council", True), ("Health", False), ("Police", False)]  # fmt: skip


E = tables.EventRecord


def test_events_in_date_order_with_undated_ones_last() -> None:
    events = [E(None, "May-June 2019", "Young people", "Youth", "Hubs", ""),
              E(date(2019, 5, 1), "1 May 2019", "Youth parliament", "Youth", "HYP", "Prevention"),
              E(date(2019, 4, 26), "26 April 2019", "Workshop", "Workshop", "Partners", ""),
              E(date(2018, 4, 1), "1 April 2018", "Last year's", "Workshop", "Partners", "")]  # fmt: skip
    found = tables.consultation_events(events, date(2019, 4, 1), date(2020, 3, 31))
    assert [e.title for e in found] == ["Workshop", "Youth parliament", "Young people"]


def test_questions_outstanding_most_overdue_first() -> None:
    Q = tables.QuestionRecord
    questions = [
        Q(date(2017, 6, 27), "O&S", "Cllr A", "CCTV report?", "Head of CPP", date(2017, 9, 1), "open"),
        Q(date(2017, 6, 27), "O&S", "Cllr B", "FGM prosecutions?", "Supt", date(2017, 7, 27), "open"),
        Q(date(2017, 6, 27), "O&S", "HYP", "Prevention balance?", "Head of CS", None, "open"),
        Q(date(2017, 6, 27), "O&S", "Cllr C", "Answered one", "Supt", date(2017, 7, 1), "answered"),
        Q(date(2017, 7, 17), "O&S", "Cllr D", "Not yet due", "Supt", date(2017, 10, 1), "open"),
    ]  # fmt: skip
    rows = tables.questions_outstanding(questions, today=date(2017, 9, 19))
    assert [(r.question, r.days_overdue) for r in rows] == [
        ("FGM prosecutions?", 54), ("CCTV report?", 18), ("Prevention balance?", 0),
        ("Not yet due", 0)]  # fmt: skip
