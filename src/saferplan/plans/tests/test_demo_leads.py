"""The demo plan's leads match the demo's organisations, as the reference notes on the
2019/20 plan place its officers and providers; only leads with no organisation stay out."""

from __future__ import annotations

import pytest

from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action

pytestmark = pytest.mark.django_db

COUNCIL = "Harrow Council: Community Safety"
CHARITY = "Voluntary and community sector"


def test_the_demo_plans_leads_match_except_those_the_plan_gives_no_organisation() -> None:
    load_demo_partnership()
    actions = list(Action.objects.filter(objective__priority__year__label="2019/20"))
    assert len(actions) == 60
    unmatched = sorted(a.lead_text for a in actions if a.lead_organisation is None)
    assert unmatched == sorted(
        ["", "", "",  # no lead printed
         "Coral McGookin", "Kiara Godfrey", "Paul Gamble", "Seamus Doherty", "Seamus Doherty",
         "Modern slavery multi-agency working group",  # a group, not an organisation
         "University of Bedfordshire Shumailla Dar",  # not one of the partnership's
         "Tanya Sprunks Inspector", "Tanya Sprunks Inspector"]  # settled in the demo's app
    )  # fmt: skip
    lead = {a.lead_text: a.lead_organisation.name for a in actions if a.lead_organisation}
    assert (
        lead["Farah Ikram"] == COUNCIL and lead["Samia Malik, Community Cohesion Lead"] == COUNCIL
    )
    assert lead["Nimesh Mehta, Procurement"] == COUNCIL
    assert lead["Victoria Isaacs Skills & Employment"] == COUNCIL
    assert lead["Service Manager, WDP"] == CHARITY and lead["Khulisa – Shumailla Dar"] == CHARITY
    assert lead["Harrow MPS"] == "Metropolitan Police: Harrow"
