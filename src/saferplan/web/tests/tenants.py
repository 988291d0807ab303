"""Two partnerships side by side, each with users in every role, a delivery plan, an
outcome measure, a youth justice extract, an edition of a document (moved one step on
its route, with a comment), resources and risks, and one of every governance record
(questions, meetings, a questionnaire answered) and an import job, whose records can be told apart: for
the tests that one partnership never sees or changes the other's. The demo partnership
has also published an edition; the other has published nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership, Organisation, Partnership, Role
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions import comments, steps
from saferplan.editions.models import Edition, State
from saferplan.editions.tests.samples import keep_sample
from saferplan.governance.tests.samples import one_of_everything
from saferplan.jobs.models import Job
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
                re.compile("Harrow Council: Community Safety"), re.compile(r"\bYJLD\b"),
                re.compile(r"\(sample\)")]  # fmt: skip
# The other partnership's resources and risks, each line marked as its plan's actions are.
OTHER_RESOURCES = {
    "budget": "agency,staffing_costs,payments_in_kind,other_delegated_funds,note\n"
    "Local authority,500000,,,[Brent plan] council\nYJB youth justice grant,150000,,,\n",
    "grant-allocation": "area_of_delivery,activity,amount\n[Brent plan] Prevention,,150000\n",
    "staffing": "post,contract,fte,sex,ethnicity\n[Brent plan] Practitioner,Permanent,1,F,Irish\n",
    "funding": "stream,project,cash,in_kind,actions\nLCPF,[Brent plan] Mentoring,1000,,1920-HV1-01\n",
    "risks": "reference,risk,likelihood,impact\nB1,[Brent plan] A risk of Brent's,3,3\n",
}
# In each partnership's comments and route decisions: never on a public page.
COMMENT_MARKER = "[comment not for the public]"
PUBLISHED_TITLE = "Harrow published Strategic Assessment 2018"


@dataclass
class Tenant:
    partnership: Partnership
    users: dict[str, str]  # role user -> username
    # URL keyword -> an object's id (or a public link's part: slug, invitation, withdrawal)
    ids: dict[str, Any] = field(default_factory=dict)


def _extract(folder: Path, seed: int, prefix: str) -> Path:
    tables = generate_cohort(children=60, seed=seed).tables()
    for table in tables.values():
        if "child_ref" in table:
            table["child_ref"] = prefix + table["child_ref"].astype(str).str[1:]
    write_tables(tables, folder)
    return folder


def _ids(partnership: Partnership, governance: dict[str, Any]) -> dict[str, Any]:
    with partnership_scope(partnership):
        year = StrategyYear.objects.order_by("id").first()
        action = Action.objects.filter(lead_organisation__isnull=False).order_by("id").first()
        edition = Edition.objects.order_by("id").first()
        published = Edition.objects.filter(state=State.PUBLISHED).first()
        assert year and action and edition
        return {
            "year_id": year.pk,
            "action_id": action.pk,
            "objective_id": action.objective_id,
            "measure_id": Measure.objects.order_by("id").values_list("pk", flat=True)[0],
            "edition_id": edition.pk,
            "comment_id": edition.comments.get().pk,
            "partnership_id": partnership.pk,
            # The edition the public pages are tried with: the published one, if any.
            "published_id": published.pk if published else edition.pk,
            "organisation_id": action.lead_organisation_id,
            "membership_id": next(m.pk for m in Membership.objects.all() if m.roles == ["analyst"]),
            **_resource_ids(),
            **governance,
            "job_id": Job.objects.filter(partnership=partnership).order_by("id")[0].pk,
            "upload": _plan_upload(partnership),
        }


def _plan_upload(partnership: Partnership) -> str:
    """A delivery plan uploaded and waiting for its preview to be confirmed; its action
    names its partnership as the markers do."""
    from saferplan.plans.uploads import stage
    from saferplan.web.uploads import uploads_dir

    marker = "[Brent plan]" if partnership.name == OTHER else "Harrow Council: Community Safety"
    kept = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")  # uploads expire (web.upload_expiry)
    folder = uploads_dir() / f"{kept}-{partnership.pk:016x}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plan.csv"
    path.write_text("plan,section,objective_code,objective_heading,action,lead_raw\n"
                    f"Plan 2017/18,Other,X1,Upload,{marker} uploaded action,Jo Bloggs\n")  # fmt: skip
    return stage(folder, path, partnership, "analyst").id


def _resource_ids() -> dict[str, int]:
    from saferplan.resources import models

    def first(model: type) -> int:
        return model.objects.order_by("id").values_list("pk", flat=True)[0]  # type: ignore[attr-defined]

    return {"budget_line_id": first(models.BudgetLine), "grant_line_id": first(models.GrantAllocation),
            "post_id": first(models.StaffPost), "stream_id": first(models.FundingStream),
            "risk_id": first(models.Risk)}  # fmt: skip


def _other_resources(tmp: Path) -> None:
    from saferplan.resources.service import import_file

    for table, text in OTHER_RESOURCES.items():
        path = tmp / f"brent-{table}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(table, path, None if table == "risks" else "2019-20", user="tester")


def _job(partnership: Partnership, analyst: str, marker: str) -> None:
    """An import job of the partnership's analyst, its log naming the partnership's marker."""
    Job.objects.create(kind="import", arguments={"kind": "police-uk", "paths": []},
                       partnership=partnership, requested_by=analyst,
                       log=[{"at": "2026-12-01T09:00:00+00:00", "line": f"{marker}: queued"}])  # fmt: skip


def _write_introduction(partnership: Partnership, text: str) -> None:
    """The Youth Justice Plan's introduction for 2019-20, written by the partnership."""
    from saferplan.documents.models import SectionRevision

    SectionRevision.objects.create(partnership=partnership, document="youth-justice-plan",
                                   year="2019-20", section="introduction", text=text,
                                   saved_by_name="tester")  # fmt: skip


def _own_themes(partnership: Partnership, marker: str) -> None:
    """The partnership's own themes: the shipped ones and one whose title holds ``marker``."""
    from saferplan.definitions import service

    text = service.shipped_text("themes") + (
        f'\n[themes.own]\ntitle = "{marker} own theme"\ngroup = "high harm"\n'
        'direction = "down"\ndefinition = "Robbery."\nmps = { include = ["Robbery"] }\n'
    )
    service.save(partnership, "themes", text, note=f"{marker} themes")


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
        edition = keep_sample(tmp / "brent-edition", "[Brent plan] Brent")
        _on_its_route(edition, users["council-lead"], "[Brent plan]")
        _other_resources(tmp)
        _job(other, users["analyst"], "[Brent plan]")
        _write_introduction(other, "[Brent plan] Our youth justice plan.")
        _own_themes(other, "[Brent plan]")
        governance = one_of_everything(other, "[Brent plan]").ids
    return Tenant(other, users, _ids(other, governance))


def _decision(day: int) -> steps.Decision:
    return steps.Decision(f"Committee {COMMENT_MARKER}", dt.date(2019, 6, day),
                          resolution=f"Resolved {COMMENT_MARKER}")  # fmt: skip


def _on_its_route(edition: Edition, owner: str, marker: str) -> Edition:
    """Moved one step on (so every route page has something to do), with a comment that
    holds the partnership's ``marker``."""
    steps.advance(edition, "overview-and-scrutiny", _decision(12))
    user = get_user_model().objects.get(username=owner)
    text = f"{marker} asks about burglary {COMMENT_MARKER}"
    comments.add_comment(edition, comments.Raised("committee", "Scrutiny", text,
                         dt.date(2019, 6, 12), dt.date(2019, 6, 30), user))  # fmt: skip
    return edition


def _published(folder: Path) -> Edition:
    """An edition of the demo partnership taken all along its route to publication, with a
    comment (which its public page must not show)."""
    edition = keep_sample(folder, "Harrow published")
    for day, state in ((12, "overview-and-scrutiny"), (20, "board-approved"), (28, "published")):
        steps.advance(edition, state, steps.Decision("Board", dt.date(2019, 6, day)))
    owner = get_user_model().objects.get(username="council-lead")
    comments.add_comment(edition, comments.Raised("public", "A resident", COMMENT_MARKER,
                         dt.date(2019, 6, 29), dt.date(2019, 7, 30), owner))  # fmt: skip
    return edition


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
        edition = keep_sample(tmp / "demo-edition", "Harrow Council: Community Safety")
        _on_its_route(edition, "council-lead", "Harrow Council: Community Safety")
        _published(tmp / "demo-published")
        _job(demo, "analyst", "Harrow Council: Community Safety")
        _write_introduction(demo, "Harrow Council: Community Safety writes this plan.")
        governance = one_of_everything(demo, "Harrow Council: Community Safety").ids
    from saferplan.resources.demo import load_demo_resources

    load_demo_resources(demo)
    first = Tenant(demo, {role: role for role in ROLE_USERS}, _ids(demo, governance))
    return first, _other(tmp)
