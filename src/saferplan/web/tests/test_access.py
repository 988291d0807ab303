"""Who may do what: every URL with every role (and anonymous), crafted requests, conflicts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, ProgressUpdate, StrategyYear

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin", "analyst", "police-lead", "council-lead", "board", "yot"]
PLAN_READERS = {"admin", "analyst", "police-lead", "council-lead", "board"}
# (url pattern, who gets 200 on GET)
PAGES = [
    ("/", set(ROLES) - {"anonymous"}),
    ("/plans/{year}/", PLAN_READERS),
    ("/plans/{year}/overdue/", PLAN_READERS),
    ("/plans/{year}/by-organisation/", PLAN_READERS),
    ("/actions/{police_action}/", PLAN_READERS),
    ("/actions/{police_action}/update/", {"admin", "analyst", "police-lead"}),
    ("/actions/{council_action}/update/", {"admin", "analyst", "council-lead"}),
    ("/plans/{year}/quality/", PLAN_READERS),
    ("/actions/{police_action}/edit/", {"admin", "analyst"}),
    ("/plans/{year}/year-end/", {"admin", "analyst"}),
    ("/plans/{year}/progress.xlsx", PLAN_READERS),
    ("/audit/", {"admin"}),
    ("/partnership/settings/", {"admin"}),
    ("/youth-justice/?population=20000", {"admin", "yot"}),
    ("/youth-justice/tracker/", {"admin", "yot"}),
    ("/youth-justice/disproportionality/", {"admin", "yot"}),
    ("/youth-justice/profile/", {"admin", "yot"}),
    ("/youth-justice/tracker/?format=xlsx", {"admin", "yot"}),
    # The statutory plans: everyone reads their sections; the owning roles write them.
    ("/plans-to-write/", set(ROLES) - {"anonymous"}),
    ("/plans-to-write/youth-justice-plan/2019-20/", set(ROLES) - {"anonymous"}),
    ("/plans-to-write/youth-justice-plan/2019-20/sections/introduction/", {"admin", "yot"}),
    ("/plans-to-write/community-safety-plan/2019-20/sections/strategy/", {"admin", "analyst"}),
    (
        "/plans-to-write/knife-crime-action-plan/2019-20/sections/introduction/",
        {"admin", "analyst"},
    ),
    ("/plans-to-write/youth-justice-plan/2019-20/build/", {"admin", "yot"}),
]


# Editions: listed for everyone in the partnership; restricted ones for analysts and admins.
EVERYONE = set(ROLES) - {"anonymous"}
RESTRICTED_READERS = {"admin", "analyst"}
EDITION_PAGES = [
    ("/editions/", EVERYONE),
    ("/editions/{public}/", EVERYONE),
    ("/editions/{public}/document/", EVERYONE),
    ("/editions/{public}/files/strategic-assessment.pdf", EVERYONE),
    ("/editions/{restricted}/", RESTRICTED_READERS),
    ("/editions/{restricted}/document/", RESTRICTED_READERS),
    ("/editions/{restricted}/files/strategic-assessment.docx", RESTRICTED_READERS),
    ("/editions/{restricted}/files/figures.json", RESTRICTED_READERS),
]


@pytest.fixture
def demo() -> dict[str, int]:
    load_demo_partnership()
    police = Action.objects.filter(lead_organisation__name__startswith="Metropolitan").first()
    council = Action.objects.filter(lead_organisation__name__startswith="Harrow Council").first()
    assert police and council
    return {"year": StrategyYear.objects.get().pk, "police_action": police.pk,
            "council_action": council.pk}  # fmt: skip


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("pattern", "allowed"), PAGES)
def test_every_page_with_every_role(demo, role: str, pattern: str, allowed: set[str]) -> None:
    _answers_as_allowed(role, pattern.format(**demo), allowed)


def _answers_as_allowed(role: str, url: str, allowed: set[str]) -> None:
    response = client_for(role).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.fixture
def demo_editions(demo, tmp_path, monkeypatch) -> dict[str, int]:
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.editions.tests.samples import editions_in, keep_sample
    from saferplan.plans.demo import demo_partnership

    editions_in(monkeypatch, tmp_path / "editions")
    with partnership_scope(demo_partnership()):
        return {"public": keep_sample(tmp_path / "public", "Harrow").pk,
                "restricted": keep_sample(tmp_path / "restricted", "Harrow", "restricted").pk}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("pattern", "allowed"), EDITION_PAGES)
def test_every_edition_page_with_every_role(
    demo_editions, role: str, pattern: str, allowed: set[str]
) -> None:
    _answers_as_allowed(role, pattern.format(**demo_editions), allowed)


def test_sign_in_page_is_public_and_sets_security_headers(demo) -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_lead_cannot_update_another_organisations_action(demo) -> None:
    client = client_for("council-lead")
    action = Action.objects.get(pk=demo["police_action"])
    response = client.post(f"/actions/{action.pk}/update/",
                           {"rag": "green", "text": "Not mine", "version": action.version})  # fmt: skip
    assert response.status_code == 403
    assert not ProgressUpdate.objects.filter(action=action).exists()
    assert not AuditEvent.objects.filter(user__isnull=False).exists()


def test_board_members_change_nothing(demo) -> None:
    action = Action.objects.get(pk=demo["police_action"])
    response = client_for("board").post(f"/actions/{action.pk}/update/",
                                        {"rag": "red", "text": "x", "version": 1})  # fmt: skip
    assert response.status_code == 403


def test_csrf_is_enforced(demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="police-lead"))
    response = client.post(f"/actions/{demo['police_action']}/update/",
                           {"rag": "green", "text": "x", "version": 1})  # fmt: skip
    assert response.status_code == 403


def test_update_is_recorded_audited_and_rolled_up(demo) -> None:
    client = client_for("police-lead")
    action = Action.objects.get(pk=demo["police_action"])
    response = client.post(f"/actions/{action.pk}/update/",
                           {"rag": "green", "text": "Delivered", "version": action.version})  # fmt: skip
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag() == "green" and action.version == 2
    events = list(AuditEvent.objects.filter(user__isnull=False).order_by("id"))
    assert [e.action for e in events] == ["created", "changed"]
    assert events[1].before["version"] == 1 and events[1].after["version"] == 2
    assert events[0].user.username == "police-lead"
    page = client.get(f"/plans/{demo['year']}/").content.decode()
    assert "Green: 1" in page


def test_two_people_saving_at_once_do_not_overwrite(demo) -> None:
    action = Action.objects.get(pk=demo["police_action"])
    opened = action.version
    first = client_for("police-lead").post(f"/actions/{action.pk}/update/",
                                           {"rag": "amber", "text": "First", "version": opened})  # fmt: skip
    assert first.status_code == 302
    second = client_for("analyst").post(f"/actions/{action.pk}/update/",
                                        {"rag": "green", "text": "Second", "version": opened})  # fmt: skip
    assert second.status_code == 409
    assert "Someone else updated this action" in second.content.decode()
    assert list(ProgressUpdate.objects.filter(action=action).values_list("text", flat=True)) == [
        "First"
    ]


def test_invalid_form_shows_an_error_summary(demo) -> None:
    response = client_for("police-lead").post(f"/actions/{demo['police_action']}/update/",
                                              {"version": 1})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Select a RAG rating" in html
    assert 'href="#id_text"' in html


def test_analyst_edits_and_adds_actions_with_conflict_detection(demo) -> None:
    action = Action.objects.get(pk=demo["police_action"])
    form = {
        "text": "Revised wording",
        "measures_targets": "",
        "review_point_text": "June 2020",
        "review_date": "2020-06-30",
        "lead_text": action.lead_text,
        "lead_organisation": action.lead_organisation_id,
        "version": action.version,
    }
    assert client_for("analyst").post(f"/actions/{action.pk}/edit/", form).status_code == 302
    action.refresh_from_db()
    assert (action.text, action.version) == ("Revised wording", 2)
    stale = client_for("admin").post(
        f"/actions/{action.pk}/edit/", {**form, "text": "Mine", "version": 1}
    )
    assert stale.status_code == 409
    action.refresh_from_db()
    assert action.text == "Revised wording"
    added = client_for("analyst").post(
        f"/objectives/{action.objective_id}/add-action/",
        {**form, "text": "A brand new action", "version": 0},
    )
    assert added.status_code == 302
    assert Action.objects.get(text="A brand new action").is_new
    assert client_for("police-lead").post(f"/actions/{action.pk}/edit/", form).status_code == 403
    assert (
        client_for("board").get(f"/objectives/{action.objective_id}/add-action/").status_code == 403
    )


def test_typed_in_measure_actuals(demo) -> None:
    from saferplan.plans.models import Measure, Objective

    objective = Objective.objects.get(code="HV1")
    typed = Measure.objects.create(
        objective=objective,
        name="Residents who feel safe (%)",
        direction=Measure.Direction.UP,
        baseline_value=70,
    )
    computed = Measure.objects.create(
        objective=objective, name="Burglaries", theme="burglary", area="Harrow"
    )
    response = client_for("analyst").post(
        f"/measures/{typed.pk}/actual/", {"period": "2019/20", "value": "74.5"}
    )
    assert response.status_code == 302
    assert typed.actuals.get().value == 74.5
    page = client_for("board").get(f"/plans/{demo['year']}/").content.decode()
    assert "Residents who feel safe" in page and "Better" in page
    assert (
        client_for("analyst")
        .post(f"/measures/{computed.pk}/actual/", {"period": "2019", "value": "1"})
        .status_code
        == 403
    )
    assert (
        client_for("police-lead")
        .post(f"/measures/{typed.pk}/actual/", {"period": "x", "value": "1"})
        .status_code
        == 403
    )
    bad = client_for("analyst").post(f"/measures/{typed.pk}/actual/", {"period": "", "value": "x"})
    assert bad.status_code == 400 and "Enter the period" in bad.content.decode()
