"""Youth justice records as plain columnar tables, and the controlled vocabularies.

Children are pseudonymised: a stable reference, never a name. The tables are pandas
DataFrames with the columns below, so the indicator functions work the same on records
from the database, an import, or the synthetic generator.

- children: child_ref, date_of_birth, sex, ethnicity, home_la
- offences: offence_id, child_ref, offence_date, offence_type, gravity (1-8), is_breach
- outcomes: outcome_id, child_ref, outcome_date, outcome_type, offence_id, release_date
  (one row per outcome and linked offence; release_date only for custodial sentences)
- remands: child_ref, start_date, end_date, remand_type ('yda' youth detention
  accommodation, 'la' local authority accommodation)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeType:
    key: str
    label: str
    tier: str  # 'pre-court' | 'first-tier' | 'community' | 'custody'
    proven: bool  # a caution or conviction: counts for FTE and as a proven (re)offence
    custodial: bool = False


OUTCOME_TYPES = {
    o.key: o
    for o in (
        OutcomeType("community_resolution", "Community resolution", "pre-court", False),
        OutcomeType("triage", "Triage / diversion", "pre-court", False),
        OutcomeType("youth_caution", "Youth caution", "pre-court", True),
        OutcomeType("youth_conditional_caution", "Youth conditional caution", "pre-court", True),
        OutcomeType("fine_discharge", "Fine or discharge", "first-tier", True),
        OutcomeType("referral_order", "Referral order", "first-tier", True),
        OutcomeType("reparation_order", "Reparation order", "first-tier", True),
        OutcomeType("yro", "Youth rehabilitation order", "community", True),
        OutcomeType("yro_iss", "Youth rehabilitation order with ISS", "community", True),
        OutcomeType("dto", "Detention and training order", "custody", True, True),
        OutcomeType("s250", "Section 250 / long-term detention", "custody", True, True),
    )
}

PROVEN_TYPES = frozenset(k for k, o in OUTCOME_TYPES.items() if o.proven)
CUSTODIAL_TYPES = frozenset(k for k, o in OUTCOME_TYPES.items() if o.custodial)

# ONS 2021 census ethnic groups (high level), as youth justice returns use them.
ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other", "Not known")
RISK_LEVELS = ("low", "medium", "high", "very high")
INTERVENTION_LEVELS = ("standard", "enhanced", "intensive")
