"""The demo partnership: organisations, one user per role, and Harrow's 2019/20 plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.plans.importing import import_plan
from saferplan.plans.models import StrategyYear

FIXTURES = Path(__file__).with_name("fixtures")
PARTNERSHIP = "Safer Harrow (demo)"
DEMO_PASSWORD = "saferplan-demo"  # noqa: S105 - printed by the demo; serve binds to localhost only
ORGANISATIONS = [
    (
        "Harrow Council: Community Safety",
        Organisation.Kind.COUNCIL,
        "community safety,council,economic development,strategy,public health,children",
    ),
    ("Metropolitan Police: Harrow", Organisation.Kind.POLICE, "police,met,bcu,mps"),
    ("Probation Service", Organisation.Kind.PROBATION, "probation,crc,nps"),
    ("NHS Harrow", Organisation.Kind.HEALTH, "nhs,ccg,health"),
    ("London Fire Brigade", Organisation.Kind.FIRE, "fire,lfb"),
    ("Harrow Youth Offending Team", Organisation.Kind.COUNCIL, "yot,youth offending"),
    ("Voluntary and community sector", Organisation.Kind.CHARITY, "voluntary,charity,mind"),
]
USERS = [
    ("admin", "Alex Admin", 0, [Role.ADMIN]),
    ("analyst", "Ana Analyst", 0, [Role.ANALYST]),
    ("police-lead", "Pat Police", 1, [Role.ACTION_LEAD]),
    ("council-lead", "Chris Council", 0, [Role.ACTION_LEAD]),
    ("board", "Bo Board", 3, [Role.BOARD]),
    ("yot", "Yusuf YOT", 5, [Role.YOUTH_JUSTICE]),
]


def load_demo_partnership(con: Any = None) -> list[tuple[str, str]]:
    """Create (once) the demo partnership; return (username, roles) of the demo users.

    With a warehouse connection, the burglary objective also gets an outcome measure whose
    actuals are computed from the crime data.
    """
    partnership, _ = Partnership.objects.get_or_create(name=PARTNERSHIP)
    orgs = []
    for name, kind, aliases in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            partnership=partnership, name=name, defaults={"kind": kind, "aliases": aliases}
        )
        orgs.append(org)
    users = get_user_model()
    out = []
    for username, full_name, org_index, roles in USERS:
        user, created = users.objects.get_or_create(username=username)
        if created:
            first, last = full_name.split(" ", 1)
            user.first_name, user.last_name = first, last
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.create(user=user, organisation=orgs[org_index], roles=list(roles))
        out.append((username, ", ".join(Role(r).label for r in roles)))
    if not StrategyYear.objects.filter(partnership=partnership, label="2019/20").exists():
        path = FIXTURES / "delivery_plan_2019_20.csv"
        import_plan(
            path.read_text(encoding="utf-8"),
            str(path),
            partnership,
            "2019/20",
            "Community Safety, Violence, Vulnerability and Exploitation Delivery Plan",
        )
    if con is not None:
        add_demo_measure(con, partnership)
    return out


def add_demo_measure(con: Any, partnership: Partnership) -> None:
    from saferplan.plans.measures import compute_actual
    from saferplan.plans.models import Measure, Objective

    objective = Objective.objects.filter(
        priority__year__partnership=partnership, code="HV1"
    ).first()
    if objective is None or objective.measures.exists():
        return
    measure = Measure.objects.create(
        objective=objective,
        name="Burglaries recorded in Harrow (all burglary)",
        direction=Measure.Direction.DOWN,
        target="Fewer than the year before",
        theme="burglary",
        area="Harrow",
    )
    baseline = compute_actual(con, measure, "2018")
    measure.baseline_period, measure.baseline_value = baseline.period, baseline.value
    measure.save()
    compute_actual(con, measure, "2019")
