"""The synthetic cohort has the shape the indicators and the demo rely on."""

from __future__ import annotations

from saferplan.youthjustice.indicators import age_at
from saferplan.youthjustice.records import OUTCOME_TYPES
from saferplan.youthjustice.synth import generate_cohort


def test_cohort_is_repeatable_and_plausible() -> None:
    a, b = generate_cohort(300, seed=9), generate_cohort(300, seed=9)
    assert a.offences.equals(b.offences) and a.outcomes.equals(b.outcomes)
    assert a.children["child_ref"].is_unique and len(a.children) == 300
    assert set(a.outcomes["outcome_type"]) <= set(OUTCOME_TYPES)
    merged = a.offences.merge(a.children, on="child_ref")
    ages = age_at(merged["date_of_birth"], merged["offence_date"])
    assert ages.min() >= 9 and ages.median() <= 17
    custody = a.outcomes[a.outcomes["outcome_type"].isin(["dto", "s250"])]
    assert custody["release_date"].notna().all()
    assert (custody["release_date"] > custody["outcome_date"]).all()
    assert a.outcomes.duplicated("outcome_id").any()  # several offences, one outcome
    assert "name" not in " ".join(a.children.columns)  # pseudonymised
