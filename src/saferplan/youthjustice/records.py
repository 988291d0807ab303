"""Youth justice vocabularies and thresholds: outcome types, ethnic groups, risk levels and
the other controlled lists the tables use, and how recorded values read.

Children are pseudonymised: a stable reference, never a name. The tables themselves (their
columns, kinds and limits) are declared once in ``spec.SPEC``; the indicator functions work
on them as pandas DataFrames, the same from the database, an import or the generator.
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

# Out-of-court disposals the service delivers (KPI: out-of-court disposal completion).
OUT_OF_COURT_TYPES = frozenset(
    ("community_resolution", "triage", "youth_caution", "youth_conditional_caution")
)
# Children's services involvement, most to least intensive (KPI: wider services).
STATUS_TYPES = ("looked_after", "child_protection", "child_in_need", "early_help")
STATUS_LABELS = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "early_help": "Early help",
}
ACCOMMODATION = ("suitable", "unsuitable")
ETE_PROVISION = ("school", "alternative_provision", "college", "training", "employment", "none")
SEND_LEVELS = ("none", "identified", "ehcp")  # ehcp: a formal plan (EHCP)
# Mental health and substance misuse: screened? need? receiving support for it?
NEED_LEVELS = ("not_screened", "no_need", "need_unmet", "need_supported")
INTERVENTION_TYPES = (
    "offending_behaviour",
    "victim_awareness",
    "restorative_justice",
    "mental_health",
    "substance_misuse",
    "ete_support",
    "parenting",
    "weapons_awareness",
    "mentoring",
)
# How recorded values read in tables, where the value itself does not read well.
VALUE_LABELS = {
    **STATUS_LABELS,
    "alternative_provision": "Alternative provision",
    "ete_support": "ETE support",
    "ehcp": "Education, health and care plan",
    "need_unmet": "Need, not yet supported",
    "need_supported": "Need, supported",
    "not_screened": "Not screened",
    "no_need": "No need",
    "any": "Any of these",
}


def value_label(value: str) -> str:
    text = VALUE_LABELS.get(value) or value.replace("_", " ")
    return text[:1].upper() + text[1:]


# Serious violence (YJB KPI): drugs, robbery or violence against the person, gravity 5+.
SERIOUS_VIOLENCE_TYPES = frozenset(("Violence against the person", "Robbery", "Drugs"))
SERIOUS_VIOLENCE_GRAVITY = 5
# Suitable ETE (YJB KPI): hours a week, by whether the child is of statutory school age.
SUITABLE_ETE_HOURS_SCHOOL_AGE = 25
SUITABLE_ETE_HOURS_ABOVE_SCHOOL_AGE = 16
