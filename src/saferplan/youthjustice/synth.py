"""A synthetic youth justice cohort: realistic shape, no real child in it.

For the demo, tests and benchmarks. Ages 10-17, offence and outcome mixes weighted the way
youth justice caseloads are (most first outcomes out of court, custody rare and for
gravity 5+), reoffending concentrated in a minority, breaches, custody releases, remands,
several outcomes on one day. Vectorised, so a million offences take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from saferplan.youthjustice.records import ETHNIC_GROUPS

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
    return Cohort(kids, offences, outcomes, remands)
