"""The local youth justice figures, worked by hand on a few children: triage to first time
entry, first time entrants reoffending, new and active interventions, the offence profile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from saferplan.youthjustice import indicators as ind
from saferplan.youthjustice import local

CHILDREN = pd.DataFrame(
    {
        "child_ref": list("ABCDEFG"),
        "date_of_birth": pd.to_datetime(["2003-01-01"] * 7),
    }
)
# offence_id, child, committed, type, gravity, breach
OFFENCES = [
    (1, "A", "2018-01-01", "Drugs", 2, False),
    (2, "A", "2018-05-01", "Violence against the person", 4, False),
    (3, "B", "2018-02-01", "Theft and handling", 2, False),
    (4, "B", "2019-02-01", "Theft and handling", 2, False),
    (5, "C", "2017-04-01", "Robbery", 6, False),
    (6, "C", "2018-02-20", "Public order", 3, False),
    (7, "E", "2017-12-20", "Criminal damage", 3, False),
    (8, "E", "2018-05-01", "Robbery", 6, False),
    (9, "E", "2018-12-01", "Drugs", 3, False),
    (10, "E", "2018-06-01", "Breach", 2, True),
    (11, "F", "2018-03-01", "Burglary", 5, False),
    (12, "F", "2018-04-01", "Violence against the person", 5, False),
    (13, "F", "2018-01-20", "Public order", 3, False),
    (14, "G", "2018-03-01", "Criminal damage", 2, False),
    (15, "D", "2018-03-10", "Theft and handling", 1, False),
    (16, "D", "2018-03-11", "Theft and handling", 1, False),
]
# outcome_id, child, date, type, offences covered
OUTCOMES = [
    ("o1", "A", "2018-01-10", "triage", [1]),
    ("o2", "A", "2018-06-01", "youth_caution", [2]),  # A: an FTE 4.7 months after triage
    ("o3", "B", "2018-02-15", "triage", [3]),
    ("o4", "B", "2019-03-01", "youth_caution", [4]),  # B: more than 12 months after triage
    ("o5", "C", "2017-05-01", "referral_order", [5]),  # C: entered before, so not in cohort
    ("o6", "C", "2018-03-01", "triage", [6]),
    ("o7", "D", "2018-03-20", "triage", [15]),  # D: triaged twice in the quarter, once counted
    ("o8", "D", "2018-03-25", "triage", [16]),
    ("o9", "E", "2018-01-05", "youth_caution", [7]),  # E: first time entrant in Q4 2017/18
    ("o10", "E", "2018-09-01", "referral_order", [8]),  # committed 2018-05: a reoffence
    ("o11", "E", "2019-08-01", "yro", [9]),  # proven 19 months after entry: not counted
    ("o12", "E", "2018-07-01", "yro", [10]),  # a breach: never a reoffence
    ("o13", "F", "2018-02-10", "youth_caution", [13]),  # F: first time entrant in Q4 2017/18
    ("o14", "F", "2018-05-01", "referral_order", [11, 12]),  # two reoffences, one outcome
    ("o15", "G", "2018-03-30", "youth_conditional_caution", [14]),  # G: no reoffence
]


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    offences = pd.DataFrame(
        OFFENCES,
        columns=["offence_id", "child_ref", "offence_date", "offence_type", "gravity", "is_breach"],
    )
    offences["offence_date"] = pd.to_datetime(offences["offence_date"])
    outcomes = pd.DataFrame(
        [(o, c, d, t, off) for o, c, d, t, covered in OUTCOMES for off in covered],
        columns=["outcome_id", "child_ref", "outcome_date", "outcome_type", "offence_id"],
    )
    outcomes["outcome_date"] = pd.to_datetime(outcomes["outcome_date"])
    outcomes["release_date"] = pd.NaT
    return CHILDREN, offences, outcomes


Q4_2017_18 = (date(2018, 1, 1), date(2018, 3, 31))


def test_triage_cases_becoming_first_time_entrants() -> None:
    children, _offences, outcomes = tables()
    events = ind.proven_events(children, outcomes)
    [row] = local.triage_to_fte(children, outcomes, events, [Q4_2017_18])
    # A, B and D (C had been convicted before, D is counted once); A became an FTE.
    assert (row.quarter, row.cohort, row.counted, row.pct) == ("Q4 2017/18", 3, 1, Decimal("33.3"))


def test_first_time_entrants_reoffending_within_12_months() -> None:
    children, offences, outcomes = tables()
    events = ind.proven_events(children, outcomes)
    prepared = ind.prepare(children, offences, outcomes, events)
    [row] = local.fte_reoffending(prepared, events, [Q4_2017_18])
    # E (one reoffence: the late proof and the breach do not count), F (two), G (none).
    assert (row.cohort, row.counted, row.reoffences) == (3, 2, 3)
    assert (row.pct, row.per_reoffender) == (Decimal("66.7"), Decimal("1.50"))


def test_quarters_are_shown_once_their_follow_up_has_passed() -> None:
    quarters = local.completed_quarters(date(2019, 3, 31), 12, 2)
    assert quarters == [(date(2017, 10, 1), date(2017, 12, 31)), Q4_2017_18]
    # Eighteen months for reoffending: the latest complete cohort is Jul-Sep 2017.
    assert local.completed_quarters(date(2019, 3, 31), 18, 1) == [
        (date(2017, 7, 1), date(2017, 9, 30))
    ]
    assert local.quarter_label(date(2019, 1, 1)) == "Q4 2018/19"
    assert local.quarter_label(date(2018, 4, 1)) == "Q1 2018/19"


def test_new_and_active_interventions_by_month() -> None:
    orders = pd.DataFrame(
        {
            "order_type": ["referral_order", "yro", "triage"],
            "start_date": pd.to_datetime(["2018-04-10", "2018-04-30", "2018-05-01"]),
            "end_date": pd.to_datetime(["2018-05-15", None, "2018-05-31"]),
        }
    )
    remands = pd.DataFrame(
        {
            "remand_type": ["yda"],
            "start_date": pd.to_datetime(["2018-03-01"]),
            "end_date": pd.to_datetime(["2018-04-30"]),
        }
    )
    months = [date(2018, 4, 1), date(2018, 5, 1)]
    new = local.interventions_by_month(orders, remands, months)
    assert new.counts == {
        "Triage / diversion": [0, 1],
        "Referral order": [1, 0],
        "Youth rehabilitation order": [1, 0],
    }
    assert new.column_totals() == [2, 1]
    active = local.interventions_by_month(orders, remands, months, active=True)
    # The remand ended on 30 April and the triage on 31 May: not open at those month ends.
    assert active.counts == {"Referral order": [1, 0], "Youth rehabilitation order": [1, 1]}


def test_offence_profile_takes_the_most_serious_offence_of_each_outcome() -> None:
    children, offences, outcomes = tables()
    events = ind.proven_events(children, outcomes)
    lines = {
        line.offence_type: line
        for line in local.offence_profile(
            offences, outcomes, events, date(2018, 4, 1), date(2019, 3, 31)
        )
    }
    # In 2018/19: o2 (A's first: VAP), o4 (B's first: theft), o10 (E later: robbery),
    # o12 (E later: a breach), o14 (F later: burglary and VAP, both gravity 5: the earlier).
    assert lines["Violence against the person"].counts == {
        "Triage": 0, "First time entrants": 1, "Re-offenders": 0
    }  # fmt: skip
    assert lines["Theft and handling"].counts["First time entrants"] == 1
    assert lines["Burglary"].counts["Re-offenders"] == 1
    assert lines["Breach"].counts["Re-offenders"] == 1
    assert lines["Robbery"].pcts["Re-offenders"] == Decimal("33.3")
    assert lines["Violence against the person"].pcts["First time entrants"] == Decimal("50.0")


def test_every_local_figure_is_declared_and_used() -> None:
    """The registry's local figures are the ones the functions and the plans' blocks use."""
    import re
    from pathlib import Path

    from saferplan.indicators import registry

    declared = {d.key for d in registry.in_groups("local youth justice")}
    blocks = Path(local.__file__).parents[1] / "documents" / "blocks"
    sources = [Path(local.__file__), *blocks.glob("*.py")]
    used = {k for p in sources for k in re.findall(r'"(local_[a-z_]+)"', p.read_text())}
    assert declared == used
    for key in declared:
        assert len(registry.get(key).definition) > 60
