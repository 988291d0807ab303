"""The YJB key performance indicators and the cohort profile on a small hand-worked case.

Every expected figure below was worked out by hand from the rows in ``records()``; the
comment beside each says how.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from saferplan.indicators import registry
from saferplan.youthjustice import kpis
from saferplan.youthjustice.files import COLUMNS, empty_table

D = date
START, END = D(2018, 4, 1), D(2019, 3, 31)


def frame(table: str, rows: list[tuple]) -> pd.DataFrame:
    if not rows:
        return empty_table(table)
    out = pd.DataFrame(rows, columns=COLUMNS[table])
    for column in out.columns:
        if column.endswith("_date") or column == "date_of_birth":
            out[column] = pd.to_datetime(out[column])
    return out


def records() -> dict[str, pd.DataFrame]:
    n = None
    return {
        "children": frame(
            "children",
            [
                ("A", D(2003, 6, 1), "male", "White", "Harrow"),
                ("B", D(2001, 1, 1), "male", "Black", "Harrow"),
                ("C", D(2002, 3, 1), "female", "Asian", "Harrow"),
            ],
        ),
        "offences": frame(
            "offences",
            [
                ("f1", "A", D(2018, 4, 2), "Robbery", 6, False),
                ("f2", "A", D(2018, 5, 2), "Violence against the person", 4, False),
                ("f3", "B", D(2018, 1, 2), "Drugs", 5, False),
                ("f4", "C", D(2018, 6, 2), "Drugs", 5, False),
            ],
        ),
        "outcomes": frame(
            "outcomes",
            [
                ("o1", "A", D(2018, 5, 1), "youth_caution", "f1", n),
                ("o2", "A", D(2018, 6, 1), "referral_order", "f2", n),
                ("o3", "B", D(2018, 2, 1), "youth_caution", "f3", n),
                ("o4", "B", D(2018, 8, 1), "yro", "f3", n),
                ("o5", "C", D(2018, 7, 1), "triage", "f4", n),
            ],
        ),
        "remands": frame("remands", []),
        "statuses": frame(
            "statuses",
            [
                ("A", "looked_after", D(2017, 1, 1), D(2018, 2, 1)),
                ("C", "early_help", D(2018, 7, 1), n),
                ("B", "child_in_need", D(2019, 2, 1), n),
            ],
        ),
        "assessments": frame(
            "assessments",
            [
                ("a1", "A", D(2018, 1, 20), "low", "low", "medium", "standard"),
                ("a2", "A", D(2018, 11, 1), "high", "medium", "medium", "intensive"),
                ("a3", "B", D(2018, 5, 10), "medium", "low", "low", "enhanced"),
                ("a4", "B", D(2019, 6, 1), "very high", "high", "high", "intensive"),
            ],
        ),
        "orders": frame(
            "orders",
            [
                # order, child, outcome, type, start, end, completed, accommodation start/end,
                # ETE hours start/end, SEND, mental health, substance misuse, ETE provision start/end
                (
                    "O1",
                    "A",
                    "o2",
                    "yro",
                    D(2018, 1, 10),
                    D(2018, 10, 1),
                    True,
                    "suitable",
                    "suitable",
                    20,
                    25,
                    "identified",
                    "need_supported",
                    "no_need",
                    "school",
                    "school",
                ),
                (
                    "O2",
                    "B",
                    "o4",
                    "referral_order",
                    D(2018, 5, 1),
                    D(2019, 1, 31),
                    False,
                    "unsuitable",
                    "suitable",
                    0,
                    16,
                    "ehcp",
                    "need_unmet",
                    "not_screened",
                    "none",
                    "college",
                ),
                (
                    "O3",
                    "C",
                    n,
                    "youth_caution",
                    D(2018, 3, 1),
                    D(2018, 6, 1),
                    True,
                    "suitable",
                    n,
                    16,
                    n,
                    "none",
                    "no_need",
                    "need_supported",
                    "college",
                    n,
                ),
                (
                    "O4",
                    "A",
                    n,
                    "triage",
                    D(2019, 1, 1),
                    D(2019, 3, 31),
                    False,
                    n,
                    n,
                    n,
                    n,
                    n,
                    n,
                    n,
                    n,
                    n,
                ),
                (
                    "O5",
                    "B",
                    n,
                    "yro",
                    D(2018, 9, 1),
                    D(2019, 4, 1),
                    n,
                    "unsuitable",
                    "unsuitable",
                    0,
                    0,
                    "none",
                    "need_unmet",
                    "need_unmet",
                    "none",
                    "none",
                ),
            ],
        ),
        "interventions": frame(
            "interventions",
            [
                ("I1", "A", "O1", "offending_behaviour", D(2018, 5, 1), n, n),
                ("I2", "B", "O2", "mentoring", D(2018, 2, 1), D(2018, 3, 1), True),
                ("I3", "C", "O3", "parenting", D(2018, 4, 15), D(2018, 5, 15), False),
            ],
        ),
        "victims": frame(
            "victims",
            [
                ("v1", "f1", True, True, True, True),
                ("v2", "f2", True, False, False, n),
                ("v3", "f2", False, False, False, n),
                ("v4", "f3", True, True, True, False),  # f3 first proven before the year
            ],
        ),
        "board": frame(
            "board",
            [
                (D(2018, 5, 15), "Police", True),
                (D(2018, 5, 15), "Health", False),
                (D(2019, 2, 15), "Police", True),
                (D(2019, 2, 15), "Health", True),
                (D(2019, 5, 15), "Police", False),
            ],
        ),
    }


EXPECTED = {
    # O1-O4 end in the year (O5 ends the day after it).
    "kpi_accommodation_start": (2, 3),  # O1, O3 suitable of O1-O3 recorded
    "kpi_accommodation_end": (2, 2),  # O1, O2
    # O1: 20 h at 14 (needs 25) no; O2: 0 h no; O3: 16 h on C's 16th birthday (needs 16) yes
    "kpi_ete_start": (1, 3),
    "kpi_ete_end": (2, 2),  # O1: 25 h at 15; O2: 16 h at 18
    "kpi_send_identified": (2, 3),  # O1 identified, O2 EHCP, O3 none
    "kpi_send_with_plan": (1, 2),
    "kpi_send_in_suitable_ete": (2, 2),
    "kpi_mental_health_need": (2, 3),  # screened O1-O3; need O1, O2
    "kpi_mental_health_supported": (1, 2),
    "kpi_substance_misuse_need": (1, 2),  # screened O1, O3 (O2 not screened); need O3
    "kpi_substance_misuse_supported": (1, 1),
    "kpi_out_of_court_completed": (1, 2),  # O3 completed, O4 not
    "kpi_board_attendance": (3, 4),  # the May 2019 meeting is after the year
    # Only A's looked-after spell overlaps one of A's orders (O1).
    "kpi_wider_services": (1, 4),
    "kpi_wider_services_looked_after": (1, 4),
    "kpi_wider_services_child_protection": (0, 4),
    "kpi_wider_services_child_in_need": (0, 4),
    "kpi_wider_services_early_help": (0, 4),
    # f1 robbery gravity 6 first proven May 2018; f2 gravity 4; f3 first proven Feb 2018;
    # f4 only triaged (not proven).
    "kpi_serious_violence": (1, 10_000),
    "kpi_victims_contacted": (2, 3),  # v1-v3 (f1, f2 proven in the year); v4's f3 before
    "kpi_victims_offered_rj": (1, 2),
    "kpi_victims_took_part_rj": (1, 1),
}


def test_every_kpi_matches_the_hand_worked_case() -> None:
    rows = {r.indicator: r for r in kpis.kpis(records(), START, END, "2018/19", 10_000)}
    assert list(rows) == [d.key for d in registry.in_groups("youth justice KPI")]
    for key, (numerator, denominator) in EXPECTED.items():
        row = rows[key]
        assert (row.numerator, row.denominator) == (numerator, denominator), key
        by_hand = (Decimal(numerator) * row.scale / denominator).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert row.value == float(by_hand), key
    assert rows["kpi_serious_violence"].value == 1.0
    assert rows["kpi_serious_violence"].unit == "per 10,000 aged 10-17"


def test_no_closed_orders_gives_no_value_rather_than_zero() -> None:
    rows = {r.indicator: r for r in kpis.kpis(records(), D(2015, 4, 1), D(2016, 3, 31), "x", 1)}
    assert rows["kpi_accommodation_end"].denominator == 0
    assert rows["kpi_accommodation_end"].value is None


def test_suitable_ete_threshold_depends_on_age() -> None:
    dob = pd.Series(pd.to_datetime(["2003-06-01", "2003-06-01", "2000-01-01", "2000-01-01"]))
    when = pd.Series(pd.to_datetime(["2019-05-31", "2019-06-01", "2017-01-01", "2017-01-01"]))
    hours = pd.Series([24, 16, 16, None])
    result = kpis.suitable_ete(hours, dob, when)
    # 15 the day before the 16th birthday needs 25 hours; 16 on the day needs 16.
    assert result.tolist()[:3] == [False, True, True]
    assert pd.isna(result.iloc[3])


def test_profile_uses_each_childs_latest_assessment_in_the_caseload() -> None:
    rows = kpis.profile(records(), START, END)
    by = {(r.dimension, r.category): r for r in rows}
    # Caseload: A (O1, O4), B (O2, O5), C (O3 open until June 2018) = 3 children.
    # A's latest assessment by March 2019 is a2 (high); B's is a3 (a4 is after the year).
    assert by[("Likelihood of reoffending", "high")].count == 1
    assert by[("Likelihood of reoffending", "medium")].count == 1
    assert by[("Likelihood of reoffending", "low")].count == 0
    assert by[("Intervention level", "intensive")].percent == 50.0
    # Offences committed in the year by the caseload: f1, f2 (A) and f4 (C).
    assert by[("Offence type (offences in the period)", "Drugs")].count == 1
    assert by[("Offence type (offences in the period)", "Robbery")].count == 1
    # 16-17 at their latest order's start with hours recorded: B (O5: 0 h) NEET; C (O3) in
    # ETE; A is 15.
    assert by[("NEET at 16-17 (latest order's start)", "NEET")].count == 1
    assert by[("NEET at 16-17 (latest order's start)", "In ETE")].count == 1
    # Interventions started in the year: I1 and I3 (I2 started in February 2018).
    started = [r for r in rows if r.dimension == "Interventions started in the period"]
    assert [(r.category, r.count, r.percent) for r in started] == [
        ("offending_behaviour", 1, 50.0),
        ("parenting", 1, 50.0),
    ]
    # ETE provision at each child's latest order with it recorded: A O1 school (O4 has none
    # recorded), B O5 none, C O3 college.
    provision = [r for r in rows if r.dimension == "ETE provision (latest order's start)"]
    assert [(r.category, r.count) for r in provision] == [
        ("school", 1), ("college", 1), ("none", 1)
    ]  # fmt: skip
    # Known in the year: C early help (from July 2018), B child in need (from Feb 2019);
    # A's looked-after spell ended in February 2018.
    assert by[("Known to children's services", "any")].count == 2
    assert by[("Known to children's services", "looked_after")].count == 0
