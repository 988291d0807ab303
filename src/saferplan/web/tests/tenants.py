"""Two partnerships side by side, each with users in every role, a delivery plan, an
outcome measure, a youth justice extract and an edition of a document, whose records can be
told apart: for the tests that one partnership never sees or changes the other's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions.models import Edition
from saferplan.editions.tests.samples import keep_sample
from saferplan.plans.demo import FIXTURES, demo_partnership, load_demo_partnership
from saferplan.plans.importing import import_plan
from saferplan.plans.models import Action, Measure, Objective, StrategyYear
from saferplan.youthjustice.files import write_tables
from saferplan.youthjustice.store import import_extract
from saferplan.youthjustice.synth import generate_cohort

ROLE_USERS = {
    "admin": [Role.ADMIN],
    "analyst": [Role.ANALYST],
    "police-lead": [Role.ACTION_LEAD],
    "council-lead": [Role.ACTION_LEAD],
    "board": [Role.BOARD],
    "yot": [Role.YOUTH_JUSTICE],
}
OTHER = "Safer Brent (test)"
OTHER_PREFIX = "brent-"
# What only the other partnership's records hold: its child references, its organisations'
# names and a marker on every action of its plan (and in its edition's files).
OTHER_MARKERS = [re.compile(r"\bBX\d{7}\b"), re.compile("Brent Borough Police"),
                 re.compile(r"\[Brent plan\]")]  # fmt: skip
DEMO_MARKERS = [re.compile(r"\bC\d{7}\b"), re.compile("Metropolitan Police: Harrow"),
                re.compile("Harrow Council: Community Safety")]  # fmt: skip


@dataclass
class Tenant:
    partnership: Partnership
    users: dict[str, str]  # role user -> username
    ids: dict[str, int] = field(default_factory=dict)  # URL keyword -> an object's id


def _extract(folder: Path, seed: int, prefix: str) -> Path:
    tables = generate_cohort(children=60, seed=seed).tables()
    for table in tables.values():
        if "child_ref" in table:
            table["child_ref"] = prefix + table["child_ref"].astype(str).str[1:]
    write_tables(tables, folder)
    return folder


def _ids(partnership: Partnership) -> dict[str, int]:
    with partnership_scope(partnership):
        year = StrategyYear.objects.order_by("id").first()
        action = Action.objects.filter(lead_organisation__isnull=False).order_by("id").first()
        assert year and action
        return {
            "year_id": year.pk,
            "action_id": action.pk,
            "objective_id": action.objective_id,
            "measure_id": Measure.objects.order_by("id").values_list("pk", flat=True)[0],
            "edition_id": Edition.objects.order_by("id").values_list("pk", flat=True)[0],
        }


def _write_introduction(partnership: Partnership, text: str) -> None:
    """The Youth Justice Plan's introduction for 2019-20, written by the partnership."""
    from saferplan.documents.models import SectionRevision

    SectionRevision.objects.create(partnership=partnership, document="youth-justice-plan",
                                   year="2019-20", section="introduction", text=text,
                                   saved_by_name="tester")  # fmt: skip


def _other(tmp: Path) -> Tenant:
    from saferplan.accounts.management import set_partnership

    other, _ = set_partnership(
        OTHER, areas=["Brent"], comparators=["Barnet", "London"], youth_justice_area="Brent"
    )
    with partnership_scope(other):
        police = Organisation.objects.create(partnership=other, name="Brent Borough Police",
                                             kind="police", aliases="police,met,mps")  # fmt: skip
        council = Organisation.objects.create(partnership=other, name="Brent Council Safety",
                                              kind="council", aliases="council,community safety")  # fmt: skip
        users = {}
        for role, roles in ROLE_USERS.items():
            username = OTHER_PREFIX + role
            user = get_user_model().objects.create_user(username, password="x" * 12)
            org = police if role == "police-lead" else council
            Membership.objects.create(user=user, partnership=other, organisation=org,
                                      roles=[str(r) for r in roles])  # fmt: skip
            users[role] = username
        plan = (FIXTURES / "delivery_plan_2019_20.csv").read_text(encoding="utf-8")
        year = import_plan(plan, "brent-plan.csv", other, "2019/20", "Brent delivery plan")
        for action in Action.objects.filter(objective__priority__year=year):
            action.text = f"[Brent plan] {action.text}"
            action.save(update_fields=["text"])
        objective = Objective.objects.filter(priority__year=year).first()
        assert objective is not None
        Measure.objects.create(objective=objective, name="[Brent plan] burglaries",
                               theme="burglary", area="Brent")  # fmt: skip
        import_extract(_extract(tmp / "brent-extract", seed=7, prefix="BX"), user="tester")
        keep_sample(tmp / "brent-edition", "[Brent plan] Brent")
        _write_introduction(other, "[Brent plan] Our youth justice plan.")
    return Tenant(other, users, _ids(other))


def two_partnerships(tmp: Path) -> tuple[Tenant, Tenant]:
    """(the demo partnership, another one), both fully set up (editions kept in the data
    directory: see ``editions_in`` to keep them elsewhere)."""
    load_demo_partnership()
    demo = demo_partnership()
    with partnership_scope(demo):
        objective = Objective.objects.get(code="HV1")
        Measure.objects.create(objective=objective, name="Harrow burglaries", theme="burglary",
                               area="Harrow")  # fmt: skip
        import_extract(_extract(tmp / "demo-extract", seed=5, prefix="C"), user="tester")
        keep_sample(tmp / "demo-edition", "Harrow Council: Community Safety")
        _write_introduction(demo, "Harrow Council: Community Safety writes this plan.")
    first = Tenant(demo, {role: role for role in ROLE_USERS}, _ids(demo))
    return first, _other(tmp)
