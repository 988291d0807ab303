"""A synthetic youth justice cohort: realistic shape, no real child in it.

For the demo, tests and benchmarks. Ages 10-17, offence and outcome mixes weighted the way
youth justice caseloads are (most first outcomes out of court, custody rare and for
gravity 5+), reoffending concentrated in a minority, breaches, custody releases, remands,
several outcomes on one day. Vectorised, so a million offences take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

import numpy as np
import pandas as pd

from saferplan.youthjustice.records import (
    ETHNIC_GROUPS,
    INTERVENTION_TYPES,
    OUTCOME_TYPES,
    RISK_LEVELS,
)

# offence type -> (share of offences, typical gravity score)
OFFENCE_TYPES = {
    "Violence against the person": (0.32, 4),
    "Theft and handling": (0.14, 2),
    "Criminal damage": (0.10, 2),
    "Drugs": (0.10, 3),
    "Robbery": (0.07, 6),
    "Motoring offences": (0.07, 2),
    "Public order": (0.08, 3),
    "Burglary": (0.05, 5),
    "Sexual offences": (0.02, 7),
    "Possession of weapons": (0.05, 5),
}
ETHNIC_SHARES = (0.18, 0.16, 0.09, 0.50, 0.05, 0.02)  # London-like, order of ETHNIC_GROUPS


@dataclass
class Cohort:
    children: pd.DataFrame
    offences: pd.DataFrame
    outcomes: pd.DataFrame
    remands: pd.DataFrame
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)
    assessments: pd.DataFrame = field(default_factory=pd.DataFrame)
    orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    interventions: pd.DataFrame = field(default_factory=pd.DataFrame)
    victims: pd.DataFrame = field(default_factory=pd.DataFrame)
    board: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def generate_cohort(
    children: int = 400,
    seed: int = 1,
    start: date = date(2016, 4, 1),
    years: int = 5,
    offences_per_child: float = 2.5,
) -> Cohort:
    rng = np.random.default_rng(seed)
    n = children
    t0 = pd.Timestamp(start)
    span = int(365.25 * years)
    refs = np.array([f"C{i:07d}" for i in range(1, n + 1)])
    # Born so that each child is 10-17 for at least part of the window.
    dob = t0 - pd.to_timedelta(rng.integers(int(9.5 * 365), 16 * 365, n), unit="D")
    kids = pd.DataFrame(
        {
            "child_ref": refs,
            "date_of_birth": dob.normalize(),
            "sex": rng.choice(["male", "female"], n, p=[0.83, 0.17]),
            "ethnicity": rng.choice(ETHNIC_GROUPS, n, p=ETHNIC_SHARES),
            "home_la": "Harrow",
        }
    )

    # Offending: most children offend once or twice; a minority repeatedly.
    counts = np.maximum(1, rng.negative_binomial(1, 1 / offences_per_child, n))
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    first_day = rng.integers(0, span, n)
    gaps = rng.exponential(90, m)
    order = np.concatenate([[0], np.cumsum(counts)[:-1]])
    within = np.arange(m) - np.repeat(order, counts)
    day = (
        np.repeat(first_day, counts)
        + np.cumsum(gaps)
        - np.repeat(np.concatenate([[0], np.cumsum(gaps)[np.cumsum(counts)[:-1] - 1]]), counts)
    )
    day = np.minimum(day, span - 1).astype(int)
    types = list(OFFENCE_TYPES)
    shares = np.array([v[0] for v in OFFENCE_TYPES.values()])
    kind = rng.choice(len(types), m, p=shares / shares.sum())
    gravity = np.clip(
        np.array([OFFENCE_TYPES[t][1] for t in types])[kind] + rng.integers(-1, 2, m), 1, 8
    )
    offence_dates = t0 + pd.to_timedelta(day, unit="D")
    offences = pd.DataFrame(
        {
            "offence_id": np.arange(1, m + 1),
            "child_ref": refs[owner],
            "offence_date": offence_dates.normalize(),
            "offence_type": np.array(types)[kind],
            "gravity": gravity,
            "is_breach": rng.random(m) < 0.04,
        }
    )

    # Outcomes: ~85% of offences reach one, 0-200 days later; the mix hardens with
    # the child's previous outcomes and the offence's gravity.
    decided = rng.random(m) < 0.85
    delay = rng.gamma(2.0, 35.0, m).astype(int)
    outcome_day = day + delay
    severity = within + (gravity >= 5) * 2 + rng.normal(0, 1, m)
    outcome_type = np.select(
        [
            severity < 0.0,
            severity < 0.8,
            severity < 1.6,
            severity < 2.4,
            severity < 3.4,
            severity < 4.5,
            severity < 5.5,
            gravity >= 7,
        ],
        [
            "triage",
            "community_resolution",
            "youth_caution",
            "youth_conditional_caution",
            "referral_order",
            "yro",
            "yro_iss",
            "s250",
        ],
        default="dto",
    )
    custody = np.isin(outcome_type, ["dto", "s250"]) & (rng.random(m) < 0.35)
    outcome_type = np.where(
        np.isin(outcome_type, ["dto", "s250"]) & ~custody, "yro_iss", outcome_type
    )
    # Offences of one child proven within a week share one outcome (several on one day).
    outcome_ids = np.arange(1, m + 1)
    same = (within > 0) & (np.diff(np.concatenate([[-99], outcome_day])) < 7) & decided
    outcome_ids = np.where(
        same, np.maximum.accumulate(np.where(~same, outcome_ids, 0)), outcome_ids
    )
    out_dates = t0 + pd.to_timedelta(outcome_day, unit="D")
    release = pd.Series(pd.NaT, index=range(m), dtype="datetime64[ns]")
    release[custody] = (
        out_dates[custody] + pd.to_timedelta(rng.integers(60, 400, int(custody.sum())), unit="D")
    ).normalize()
    outcomes = pd.DataFrame(
        {
            "outcome_id": outcome_ids,
            "child_ref": refs[owner],
            "outcome_date": out_dates.normalize(),
            "outcome_type": outcome_type,
            "offence_id": np.arange(1, m + 1),
            "release_date": release.to_numpy(),
        }
    )[decided]
    # A shared outcome has the first offence's date and type.
    firsts = outcomes.drop_duplicates("outcome_id").set_index("outcome_id")
    outcomes = outcomes.assign(
        outcome_date=outcomes["outcome_id"].map(firsts["outcome_date"]),
        outcome_type=outcomes["outcome_id"].map(firsts["outcome_type"]),
        release_date=outcomes["outcome_id"].map(firsts["release_date"]),
    ).reset_index(drop=True)

    remanded = rng.random(n) < 0.03
    r_start = t0 + pd.to_timedelta(rng.integers(0, span, int(remanded.sum())), unit="D")
    remands = pd.DataFrame(
        {
            "child_ref": refs[remanded],
            "start_date": r_start.normalize(),
            "end_date": (
                r_start + pd.to_timedelta(rng.integers(3, 120, int(remanded.sum())), unit="D")
            ).normalize(),
            "remand_type": rng.choice(["yda", "la"], int(remanded.sum()), p=[0.6, 0.4]),
        }
    )
    window_end = t0 + pd.Timedelta(days=span)
    orders = _orders(rng, kids, outcomes, window_end)
    return Cohort(
        kids,
        offences,
        outcomes,
        remands,
        statuses=_statuses(rng, kids, window_end),
        assessments=_assessments(rng, orders),
        orders=orders,
        interventions=_interventions(rng, orders, window_end),
        victims=_victims(rng, offences),
        board=_board(rng, t0, window_end),
    )


# Supervision length in days (low, high) by outcome; fines and discharges are unsupervised.
ORDER_DAYS = {
    "community_resolution": (42, 90),
    "triage": (42, 120),
    "youth_caution": (60, 120),
    "youth_conditional_caution": (90, 180),
    "referral_order": (90, 365),
    "reparation_order": (60, 120),
    "yro": (180, 540),
    "yro_iss": (180, 365),
    "dto": (90, 180),  # the licence after release
    "s250": (180, 365),
}
TIER_SCORE = {"pre-court": 0.0, "first-tier": 1.0, "community": 2.0, "custody": 3.0}


def _none_unless(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` where ``mask`` holds, None (not recorded) elsewhere."""
    out = np.asarray(values, dtype=object).copy()
    out[~np.asarray(mask, dtype=bool)] = None
    return out


def _pick(rng: np.random.Generator, values: tuple[str, ...], shares: tuple[float, ...], n: int):
    return rng.choice(np.array(values, dtype=object), n, p=np.array(shares) / sum(shares))


def _orders(
    rng: np.random.Generator, kids: pd.DataFrame, outcomes: pd.DataFrame, window_end: pd.Timestamp
) -> pd.DataFrame:
    """One supervised order per outcome, with circumstances at its start and end."""
    o = outcomes.drop_duplicates("outcome_id")
    o = o[o["outcome_type"].isin(list(ORDER_DAYS))].reset_index(drop=True)
    n = len(o)
    low = o["outcome_type"].map(lambda t: ORDER_DAYS[t][0]).to_numpy()
    high = o["outcome_type"].map(lambda t: ORDER_DAYS[t][1]).to_numpy()
    length = pd.to_timedelta(rng.integers(low, high + 1), unit="D")
    start = pd.to_datetime(o["outcome_date"])
    supervised_from = pd.to_datetime(o["release_date"]).fillna(start)
    end = (supervised_from + length).where(supervised_from + length < window_end)
    closed = end.notna().to_numpy()
    tier = o["outcome_type"].map(lambda t: TIER_SCORE[OUTCOME_TYPES[t].tier]).to_numpy()
    dob = pd.to_datetime(o["child_ref"].map(kids.set_index("child_ref")["date_of_birth"]))
    school_age = ((start - dob).dt.days / 365.25 < 16).to_numpy()

    suitable_start = rng.random(n) < 0.92 - 0.04 * tier
    suitable_end = np.where(suitable_start, rng.random(n) < 0.97, rng.random(n) < 0.55)
    full = np.where(school_age, 25, 30)
    hours_start = np.select(
        [rng.random(n) < 0.62 - 0.08 * tier, rng.random(n) < 0.5],
        [full, np.where(school_age, 15, 10)],
        default=0,
    )
    improved = (hours_start < np.where(school_age, 25, 16)) & (rng.random(n) < 0.35)
    hours_end = np.where(improved, full, hours_start)
    send_by_child = dict(
        zip(
            kids["child_ref"],
            _pick(rng, ("none", "identified", "ehcp"), (65, 22, 13), len(kids)),
            strict=True,
        )
    )
    needs = ("not_screened", "no_need", "need_unmet", "need_supported")
    # Where the hours are: school or alternative provision below 16; college, training or
    # work at 16-17 (the provision is kept when only the hours change).
    provision = np.where(
        school_age,
        _pick(rng, ("school", "alternative_provision"), (80, 20), n),
        _pick(rng, ("college", "training", "employment"), (60, 25, 15), n),
    )

    def when_closed(values: np.ndarray) -> np.ndarray:
        return _none_unless(closed, values)

    return pd.DataFrame(
        {
            "order_id": [f"R{i:07d}" for i in range(1, n + 1)],
            "child_ref": o["child_ref"].to_numpy(),
            "outcome_id": o["outcome_id"].astype(str).to_numpy(),
            "order_type": o["outcome_type"].to_numpy(),
            "start_date": start.to_numpy(),
            "end_date": end.to_numpy(),
            "completed": when_closed(rng.random(n) < 0.9 - 0.05 * tier),
            "accommodation_start": np.where(suitable_start, "suitable", "unsuitable"),
            "accommodation_end": when_closed(np.where(suitable_end, "suitable", "unsuitable")),
            "ete_hours_start": hours_start,
            "ete_hours_end": when_closed(hours_end),
            "send": o["child_ref"].map(send_by_child).to_numpy(),
            "mental_health": _pick(rng, needs, (8, 47, 12, 33), n),
            "substance_misuse": _pick(rng, needs, (8, 57, 10, 25), n),
            "ete_provision_start": np.where(hours_start > 0, provision, "none"),
            "ete_provision_end": when_closed(np.where(hours_end > 0, provision, "none")),
        }
    )


def _assessments(rng: np.random.Generator, orders: pd.DataFrame) -> pd.DataFrame:
    """An AssetPlus assessment early in every order but a community resolution or triage."""
    o = orders[~orders["order_type"].isin(["community_resolution", "triage"])]
    n = len(o)
    tier = o["order_type"].map(lambda t: TIER_SCORE[OUTCOME_TYPES[t].tier]).to_numpy()

    def rating(spread: float) -> np.ndarray:
        score = np.clip(np.round(tier * 0.8 + rng.normal(0, spread, n)), 0, 3).astype(int)
        return np.array(RISK_LEVELS, dtype=object)[score]

    reoffending = rating(0.9)
    level = np.where(
        reoffending == "low",
        "standard",
        np.where(reoffending == "medium", "enhanced", "intensive"),
    )
    return pd.DataFrame(
        {
            "assessment_id": [f"A{i:07d}" for i in range(1, n + 1)],
            "child_ref": o["child_ref"].to_numpy(),
            "assessment_date": (
                pd.to_datetime(o["start_date"]) + pd.to_timedelta(rng.integers(5, 25, n), unit="D")
            ).to_numpy(),
            "reoffending": reoffending,
            "serious_harm": rating(1.0),
            "safety_wellbeing": rating(1.1),
            "intervention_level": level,
        }
    )


def _statuses(
    rng: np.random.Generator, kids: pd.DataFrame, window_end: pd.Timestamp
) -> pd.DataFrame:
    frames = []
    for status, share in (
        ("looked_after", 0.12),
        ("child_protection", 0.10),
        ("child_in_need", 0.25),
        ("early_help", 0.20),
    ):
        chosen = kids[rng.random(len(kids)) < share]
        k = len(chosen)
        start = pd.to_datetime(chosen["date_of_birth"]) + pd.to_timedelta(
            rng.integers(10 * 365, 16 * 365, k), unit="D"
        )
        start = start.where(start < window_end, window_end - pd.Timedelta(days=30))
        end = start + pd.to_timedelta(rng.integers(120, 1500, k), unit="D")
        frames.append(
            pd.DataFrame(
                {
                    "child_ref": chosen["child_ref"].to_numpy(),
                    "status": status,
                    "start_date": start.to_numpy(),
                    "end_date": end.where(end < window_end).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _interventions(
    rng: np.random.Generator, orders: pd.DataFrame, window_end: pd.Timestamp
) -> pd.DataFrame:
    per_order = 1 + rng.poisson(1.2, len(orders))
    o = orders.loc[orders.index.repeat(per_order)].reset_index(drop=True)
    n = len(o)
    kind = _pick(rng, INTERVENTION_TYPES, (30, 14, 8, 12, 9, 10, 6, 6, 5), n)
    kind = np.where(o["mental_health"] == "need_supported", "mental_health", kind)
    start = pd.to_datetime(o["start_date"]) + pd.to_timedelta(rng.integers(0, 40, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(14, 90, n), unit="D")
    finished = (end < window_end).to_numpy()
    return pd.DataFrame(
        {
            "intervention_id": [f"I{i:07d}" for i in range(1, n + 1)],
            "child_ref": o["child_ref"].to_numpy(),
            "order_id": o["order_id"].to_numpy(),
            "intervention_type": kind,
            "start_date": start.to_numpy(),
            "end_date": end.where(finished).to_numpy(),
            "completed": _none_unless(finished, rng.random(n) < 0.8),
        }
    )


PERSON_VICTIM_TYPES = (
    "Violence against the person",
    "Robbery",
    "Burglary",
    "Theft and handling",
    "Criminal damage",
    "Sexual offences",
)


def _victims(rng: np.random.Generator, offences: pd.DataFrame) -> pd.DataFrame:
    o = offences[offences["offence_type"].isin(PERSON_VICTIM_TYPES) & ~offences["is_breach"]]
    o = o[rng.random(len(o)) < 0.9]
    n = len(o)
    contacted = rng.random(n) < 0.85
    offered = contacted & (rng.random(n) < 0.6)
    took_part = offered & (rng.random(n) < 0.35)
    return pd.DataFrame(
        {
            "victim_ref": [f"V{i:07d}" for i in range(1, n + 1)],
            "offence_id": o["offence_id"].to_numpy(),
            "contacted": contacted,
            "rj_offered": offered,
            "rj_participated": took_part,
            "satisfied": _none_unless(took_part, rng.random(n) < 0.85),
        }
    )


BOARD_PARTNERS = {
    "Police": 0.92,
    "Probation": 0.85,
    "Health": 0.7,
    "Education": 0.8,
    "Children's social care": 0.95,
    "Community safety": 0.88,
}


def _board(rng: np.random.Generator, t0: pd.Timestamp, window_end: pd.Timestamp) -> pd.DataFrame:
    meetings = pd.date_range(t0 + pd.Timedelta(days=20), window_end, freq="3MS") + pd.Timedelta(
        days=14
    )
    rows = [
        (day, partner, bool(rng.random() < share))
        for day in meetings
        for partner, share in BOARD_PARTNERS.items()
    ]
    return pd.DataFrame(rows, columns=["meeting_date", "partner", "attended"])
