"""The demo partnership: organisations, one user per role, and Harrow's 2019/20 plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.accounts.tenancy import partnership_scope
from saferplan.plans.importing import import_plan
from saferplan.plans.models import StrategyYear

FIXTURES = Path(__file__).with_name("fixtures")
PARTNERSHIP = "Safer Harrow (demo)"
AREA = "Harrow"
COMPARATORS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]
DEMO_PASSWORD = "saferplan-demo"  # noqa: S105 - printed by the demo; serve binds to localhost only
# Aliases from the officers and providers the 2019/20 plan names (its leads are people, not
# organisations; DOMAIN.md and the reference notes give their services). Leads the plan
# gives no organisation for (a name with no title, a multi-agency group, the University of
# Bedfordshire) stay unmatched, as does "Tanya Sprunks Inspector": the demo settles it on
# the leads page.
ORGANISATIONS = [
    (
        "Harrow Council: Community Safety",
        Organisation.Kind.COUNCIL,
        "community safety,council,economic development,strategy,public health,children,"
        "policy officer,farah ikram,community cohesion,resident services,business intelligence,"
        "procurement,victoria isaacs,cheryl bannerman,gavin baker,vve team",
    ),
    ("Metropolitan Police: Harrow", Organisation.Kind.POLICE, "police,met,bcu,mps"),
    ("Probation Service", Organisation.Kind.PROBATION, "probation,crc,nps"),
    ("NHS Harrow", Organisation.Kind.HEALTH, "nhs,ccg,health"),
    ("London Fire Brigade", Organisation.Kind.FIRE, "fire,lfb"),
    ("Harrow Youth Offending Team", Organisation.Kind.COUNCIL, "yot,youth offending"),
    (
        "Voluntary and community sector",
        Organisation.Kind.CHARITY,
        "voluntary,charity,mind,hestia,compass,ignite,synergy,khulisa,wish centre,wdp",
    ),
]
USERS = [
    ("admin", "Alex Admin", 0, [Role.ADMIN]),
    ("analyst", "Ana Analyst", 0, [Role.ANALYST]),
    ("police-lead", "Pat Police", 1, [Role.ACTION_LEAD]),
    ("council-lead", "Chris Council", 0, [Role.ACTION_LEAD]),
    ("board", "Bo Board", 3, [Role.BOARD]),
    ("yot", "Yusuf YOT", 5, [Role.YOUTH_JUSTICE]),
]


def load_demo_partnership(con: Any = None, with_history: bool = False) -> list[tuple[str, str]]:
    """Create (once) the demo partnership; return (username, roles) of the demo users.

    It is set up through the same path as ``saferplan accounts partnership``. With a
    warehouse connection, the burglary objective also gets an outcome measure whose
    actuals are computed from the crime data. ``with_history`` also imports last year's
    plan (2018/19, with its progress and year-end decisions), to which 2019/20's
    continued actions link.
    """
    partnership = demo_partnership(con)
    with partnership_scope(partnership):
        if with_history:
            _import_fixture(partnership, "2018/19", "delivery_plan_2018_19.csv")
        return _load(partnership, con)


TITLE = "Community Safety, Violence, Vulnerability and Exploitation Delivery Plan"


def _import_fixture(partnership: Partnership, label: str, name: str) -> None:
    if StrategyYear.objects.filter(label=label).exists():
        return
    path = FIXTURES / name
    import_plan(path.read_text(encoding="utf-8"), str(path), partnership, label, TITLE)


def demo_partnership(con: Any = None) -> Partnership:
    """The demo partnership with its settings (Harrow, its neighbours and London), checked
    against the data when a warehouse connection is given."""
    from saferplan.accounts.management import known_names, set_partnership

    found = Partnership.objects.filter(name=PARTNERSHIP).first()
    if found is not None:
        return found
    partnership, _ = set_partnership(
        PARTNERSHIP,
        areas=[AREA],
        comparators=COMPARATORS,
        youth_justice_area=AREA,
        known=known_names(con) if con is not None else None,
    )
    return partnership


def _load(partnership: Partnership, con: Any) -> list[tuple[str, str]]:
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
            Membership.objects.create(
                user=user, partnership=partnership, organisation=orgs[org_index], roles=list(roles)
            )
        out.append((username, ", ".join(Role(r).label for r in roles)))
    _import_fixture(partnership, "2019/20", "delivery_plan_2019_20.csv")
    if con is not None:
        add_demo_measure(con, partnership)
    return out


def add_demo_measure(con: Any, partnership: Partnership) -> None:
    from saferplan.plans.measures import compute_actual
    from saferplan.plans.models import Measure, Objective

    objective = Objective.objects.filter(code="HV1", priority__year__label="2019/20").first()
    if objective is None or objective.measures.exists():
        return
    measure = Measure.objects.create(
        objective=objective,
        name=f"Burglaries recorded in {partnership.area} (all burglary)",
        direction=Measure.Direction.DOWN,
        target="Fewer than the year before",
        theme="burglary",
        area=partnership.area,
    )
    baseline = compute_actual(con, measure, "2018")
    measure.baseline_period, measure.baseline_value = baseline.period, baseline.value
    measure.save()
    compute_actual(con, measure, "2019")
