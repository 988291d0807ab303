"""Who may do what: every URL with every role (and anonymous), crafted requests, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent, Membership, Organisation
from saferplan.definitions.models import DefinitionVersion
from saferplan.editions import comments, steps
from saferplan.jobs.models import Job
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, ProgressUpdate, StrategyYear

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin", "analyst", "police-lead", "council-lead", "board", "yot"]
PLAN_READERS = {"admin", "analyst", "police-lead", "council-lead", "board"}
IMPORTERS = {"admin", "analyst", "yot"}
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
    ("/plans/{year}/leads/", {"admin", "analyst"}),
    ("/plans/{year}/progress.xlsx", PLAN_READERS),
    ("/audit/", {"admin"}),
    ("/partnership/settings/", {"admin"}),
    ("/youth-justice/?population=20000", {"admin", "yot"}),
    ("/youth-justice/tracker/", {"admin", "yot"}),
    ("/youth-justice/disproportionality/", {"admin", "yot"}),
    ("/youth-justice/profile/", {"admin", "yot"}),
    ("/youth-justice/tracker/?format=xlsx", {"admin", "yot"}),
    ("/plans/", PLAN_READERS),
    ("/audit/events.csv", {"admin"}),
    ("/audit/?who=admin&since=2020-01-01", {"admin"}),
    ("/manage/", {"admin"}),
    ("/manage/organisations/", {"admin"}),
    ("/manage/organisations/add/", {"admin"}),
    ("/manage/organisations/{organisation}/", {"admin"}),
    ("/manage/members/", {"admin"}),
    ("/manage/themes/", {"admin"}),
    ("/manage/themes/download/", {"admin"}),
    ("/manage/comparators/", {"admin"}),
    ("/manage/comparators/download/", {"admin"}),
    ("/manage/members/add/", {"admin"}),
    ("/manage/members/{membership}/", {"admin"}),
    ("/manage/members/{membership}/password-link/", {"admin"}),
    ("/manage/members/{membership}/deactivate/", {"admin"}),
    ("/manage/members/{membership}/reactivate/", {"admin"}),
    ("/manage/members/{membership}/remove/", {"admin"}),
    ("/assessment/new/", {"admin", "analyst"}),
    ("/assessment/builds/", {"admin", "analyst"}),
    # Imports: open data by analysts and admins, youth justice data by its practitioners;
    # a job by whoever started it (the analyst), admins, and those who may import its kind.
    ("/imports/", IMPORTERS),
    ("/imports/?kind=police-uk&since=2020-01-01", IMPORTERS),
    ("/imports/new/", IMPORTERS),
    ("/plans/import/", {"admin", "analyst"}),
    ("/jobs/", IMPORTERS),
    ("/jobs/{job}/", {"admin", "analyst"}),
    ("/jobs/{job}/progress.json", {"admin", "analyst"}),
    ("/jobs/{job}/cancel/", {"admin", "analyst"}),
    ("/jobs/{yj_job}/", {"admin", "yot"}),
    ("/jobs/{yj_job}/progress.json", {"admin", "yot"}),
    ("/jobs/{yj_job}/cancel/", {"admin", "yot"}),
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
# The Manage pages' forms: (url pattern, what is posted). Only admins may post them; the
# others' posts change nothing (checked by test_only_admins_post_the_manage_forms).
MANAGE_POSTS = [
    ("/partnership/settings/", {"areas": "Brent", "comparators": "London"}),
    ("/manage/organisations/add/", {"name": "Planted", "kind": "other"}),
    ("/manage/organisations/{organisation}/", {"name": "Renamed", "kind": "other"}),
    ("/manage/members/add/", {"username": "planted", "email": "p@example.org",
                              "organisation": "{organisation}", "roles": "admin"}),
    ("/manage/members/{membership}/", {"organisation": "{organisation}", "roles": "admin"}),
    ("/manage/members/{membership}/password-link/", {}),
    ("/manage/members/{membership}/deactivate/", {}),
    ("/manage/members/{membership}/remove/", {}),
    ("/manage/themes/", {"text": '[themes.x]\ntitle = "X"'}),
    ("/manage/comparators/", {"restore": "1"}),
]  # fmt: skip


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
    # Its route, comments and changes (the Strategic Assessment's route: Overview and
    # Scrutiny by admins and analysts, then the board by admins).
    ("/editions/{public}/changes/", EVERYONE),
    ("/editions/{advanced}/changes/?from={public}", EVERYONE),
    ("/editions/{advanced}/changes/?from={public}&format=csv", EVERYONE),
    ("/editions/{restricted}/changes/", RESTRICTED_READERS),
    ("/editions/{advanced}/changes/?from={restricted}", RESTRICTED_READERS),
    ("/editions/{public}/advance/", {"admin", "analyst"}),
    ("/editions/{advanced}/advance/", {"admin"}),
    ("/editions/{advanced}/return/", {"admin"}),
    ("/editions/{advanced}/amendment/", {"admin", "analyst"}),
    ("/editions/{advanced}/comments/", EVERYONE),
    ("/editions/{restricted}/comments/", RESTRICTED_READERS),
    # A comment is answered by its owner (here the police lead) or those who write the document.
    ("/editions/{advanced}/comments/{comment}/", {"admin", "analyst", "police-lead"}),
    ("/editions/routes/", {"admin"}),
    ("/editions/routes/strategic-assessment/", {"admin"}),
    ("/editions/routes/youth-justice-plan/", {"admin"}),
]
# For everyone, signed in or not: only the published public edition.
PUBLISHED_PAGES = ["/published/", "/published/{partnership}/", "/published/{partnership}/{published}/",
                   "/published/{partnership}/{published}/document/",
                   "/published/{partnership}/{published}/files/strategic-assessment.pdf"]  # fmt: skip
UNPUBLISHED_PAGES = ["/published/{partnership}/{public}/", "/published/{partnership}/{advanced}/",
                     "/published/{partnership}/{restricted}/document/",
                     "/published/{partnership}/{advanced}/files/strategic-assessment.pdf"]  # fmt: skip


# Resources and risks: read by everyone in the partnership; the youth justice budget, grant
# allocation and staffing changed by youth justice practitioners and admins, the funding
# streams and the risk register by analysts and admins.
YJ_RESOURCES = {"admin", "yot"}
PLAN_RESOURCES = {"admin", "analyst"}
RESOURCE_PAGES = [
    ("/resources/", EVERYONE),
    ("/resources/2019-20/budget/", EVERYONE),
    ("/resources/2019-20/budget/?format=csv", EVERYONE),
    ("/resources/2017-18/grant-allocation/", EVERYONE),
    ("/resources/2017-18/grant-allocation/?format=xlsx", EVERYONE),
    ("/resources/2017-18/staffing/", EVERYONE),
    ("/resources/2019-20/funding/", EVERYONE),
    ("/resources/2019-20/budget/add/", YJ_RESOURCES),
    ("/resources/budget/{budget_line}/", YJ_RESOURCES),
    ("/resources/2019-20/grant-allocation/add/", YJ_RESOURCES),
    ("/resources/grant-allocation/{grant_line}/", YJ_RESOURCES),
    ("/resources/2017-18/staffing/add/", YJ_RESOURCES),
    ("/resources/staffing/{post}/", YJ_RESOURCES),
    ("/resources/2019-20/funding/add/", PLAN_RESOURCES),
    ("/resources/funding/{stream}/", PLAN_RESOURCES),
    ("/risks/", EVERYONE),
    ("/risks/?format=csv", EVERYONE),
    ("/risks/{risk}/", EVERYONE),
    ("/risks/add/", PLAN_RESOURCES),
    ("/risks/{risk}/edit/", PLAN_RESOURCES),
    ("/risks/{risk}/close/", PLAN_RESOURCES),
]


@pytest.fixture
def demo() -> dict[str, int]:
    load_demo_partnership()
    police = Action.objects.filter(lead_organisation__name__startswith="Metropolitan").first()
    council = Action.objects.filter(lead_organisation__name__startswith="Harrow Council").first()
    assert police and council
    analyst = Membership.objects.get(user__username="analyst")
    jobs = {name: Job.objects.create(kind="import", arguments={"kind": kind, "paths": []},
                                     partnership=analyst.partnership, requested_by=who).pk
            for name, kind, who in (("job", "police-uk", "analyst"),
                                    ("yj_job", "yj-comparators", "yot"))}  # fmt: skip
    return {"year": StrategyYear.objects.get().pk, "police_action": police.pk,
            "council_action": council.pk, "organisation": police.lead_organisation_id,
            "membership": analyst.pk, **jobs}  # fmt: skip


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


def _state() -> tuple[object, ...]:
    """What the Manage forms could change: organisations, memberships, accounts, the trail."""
    from django.contrib.auth import get_user_model

    from saferplan.accounts.models import Partnership

    return (
        sorted(Organisation.objects.values_list("pk", "name", "kind", "aliases")),
        sorted((m.pk, m.organisation_id, tuple(m.roles)) for m in Membership.objects.all()),
        sorted(get_user_model().objects.values_list("username", "is_active", "password")),
        sorted((p.pk, tuple(p.areas), tuple(p.comparators)) for p in Partnership.objects.all()),
        AuditEvent.objects.count(),
        DefinitionVersion.objects.count(),
    )


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"admin"}))
def test_only_admins_post_the_manage_forms(demo, role: str) -> None:
    before = _state()
    for pattern, data in MANAGE_POSTS:
        url = pattern.format(**demo)
        response = client_for(role).post(url, {k: v.format(**demo) for k, v in data.items()})
        if role == "anonymous":
            assert response.status_code == 302 and "/sign-in/" in response["Location"], url
        else:
            assert response.status_code == 403, f"{role}: {url}"
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_analysts_and_admins_ask_for_a_build(demo, role: str) -> None:
    """Others' posts of the assessment form are refused and queue nothing."""
    from saferplan.jobs.models import Job

    form = {"area": "Harrow", "year": "2018", "comparators": "London", "edition": "public",
            "themes": "total"}  # fmt: skip
    response = client_for(role).post("/assessment/new/", form)
    if role == "anonymous":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    elif role in {"admin", "analyst"}:
        assert response.status_code in (302, 400)  # queued, or refused by the (empty) data
    else:
        assert response.status_code == 403
    if role not in {"admin", "analyst"}:
        assert not Job.objects.filter(kind="build-assessment").exists()


def test_the_set_password_pages_need_no_sign_in(demo) -> None:
    """Where a password link leads is for someone who cannot sign in yet: no redirect."""
    for url in ("/set-password/MQ/cz1xyz-0123456789abcdef/", "/set-password/done/"):
        response = Client().get(url)
        assert response.status_code == 200, url
    assert "This link does not work" in Client().get(
        "/set-password/MQ/cz1xyz-0123456789abcdef/").content.decode()  # fmt: skip


@pytest.fixture
def demo_editions(demo, tmp_path, monkeypatch) -> dict[str, int]:
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.editions.tests.samples import editions_in, keep_sample
    from saferplan.plans.demo import demo_partnership

    editions_in(monkeypatch, tmp_path / "editions")
    partnership = demo_partnership()
    with partnership_scope(partnership):
        ids = {"public": keep_sample(tmp_path / "public", "Harrow").pk,
               "restricted": keep_sample(tmp_path / "restricted", "Harrow", "restricted").pk}  # fmt: skip
        advanced = keep_sample(tmp_path / "advanced", "Harrow")
        steps.advance(
            advanced, "overview-and-scrutiny", steps.Decision("O&S", dt.date(2019, 6, 12))
        )
        lead = get_user_model().objects.get(username="police-lead")
        comment = comments.add_comment(advanced, comments.Raised(
            "committee", "Scrutiny", "Why?", dt.date(2019, 6, 12), dt.date(2019, 6, 30), lead))  # fmt: skip
        published = keep_sample(tmp_path / "published", "Harrow")
        for day, state in (
            (12, "overview-and-scrutiny"),
            (20, "board-approved"),
            (28, "published"),
        ):
            steps.advance(published, state, steps.Decision("Board", dt.date(2019, 6, day)))
    return {**ids, "advanced": advanced.pk, "comment": comment.pk, "published": published.pk,
            "partnership": partnership.pk}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("pattern", "allowed"), EDITION_PAGES)
def test_every_edition_page_with_every_role(
    demo_editions, role: str, pattern: str, allowed: set[str]
) -> None:
    _answers_as_allowed(role, pattern.format(**demo_editions), allowed)


@pytest.fixture
def demo_resources(demo) -> dict[str, int]:
    from saferplan.plans.demo import demo_partnership
    from saferplan.resources import models
    from saferplan.resources.demo import load_demo_resources

    load_demo_resources(demo_partnership())
    return {key: model.objects.order_by("id").first().pk for key, model in (
        ("budget_line", models.BudgetLine), ("grant_line", models.GrantAllocation),
        ("post", models.StaffPost), ("stream", models.FundingStream), ("risk", models.Risk))}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("pattern", "allowed"), RESOURCE_PAGES)
def test_every_resources_page_with_every_role(
    demo_resources, role: str, pattern: str, allowed: set[str]
) -> None:
    _answers_as_allowed(role, pattern.format(**demo_resources), allowed)


@pytest.mark.parametrize("role", ROLES)
def test_published_pages_are_for_everyone_and_only_show_what_was_published(
    demo_editions, role: str
) -> None:
    client = client_for(role)
    for pattern in PUBLISHED_PAGES:
        assert client.get(pattern.format(**demo_editions)).status_code == 200, pattern
    for pattern in UNPUBLISHED_PAGES:
        assert client.get(pattern.format(**demo_editions)).status_code == 404, pattern


# Governance: everyone in the partnership reads; analysts and admins keep the log and build
# questionnaires; admins set up bodies; a YOT management board's meetings are recorded by
# admins and youth justice practitioners; an owner answers their own question.
EDITORS = {"admin", "analyst"}
YOT_RECORDERS = {"admin", "yot"}
GOVERNANCE_PAGES = [
    ("/questions/", EVERYONE),
    ("/questions/new/", EDITORS),
    ("/questions/log.docx", EVERYONE),
    ("/questions/log.xlsx", EVERYONE),
    ("/questions/{question_id}/", EVERYONE),
    ("/questions/{question_id}/edit/", EDITORS),
    ("/questions/{question_id}/answer/", EDITORS | {"council-lead"}),  # council-lead owns it
    ("/bodies/", EVERYONE),
    ("/bodies/new/", {"admin"}),
    ("/bodies/{body_id}/", EVERYONE),
    ("/bodies/{body_id}/edit/", {"admin"}),
    ("/bodies/{body_id}/members/new/", {"admin"}),
    ("/members/{member_id}/edit/", {"admin"}),
    ("/bodies/{body_id}/meetings/new/", YOT_RECORDERS),
    ("/bodies/{panel_id}/meetings/new/", {"admin", "police-lead"}),  # police-lead: secretary
    ("/meetings/{meeting_id}/", EVERYONE),
    ("/meetings/{meeting_id}/edit/", YOT_RECORDERS),
    ("/meetings/{meeting_id}/agenda/new/", YOT_RECORDERS),
    ("/meetings/{meeting_id}/attendance/", YOT_RECORDERS),
    ("/meetings/{meeting_id}/actions/new/", YOT_RECORDERS),
    ("/meeting-actions/{meeting_action_id}/edit/", YOT_RECORDERS | {"board"}),  # board owns it
    ("/consultations/", EVERYONE),
    ("/questionnaires/new/", EDITORS),
    ("/questionnaires/{questionnaire_id}/", EVERYONE),
    ("/questionnaires/{questionnaire_id}/edit/", EDITORS),
    ("/questionnaires/{questionnaire_id}/questions/new/", EDITORS),
    ("/questionnaire-items/{item_id}/edit/", EDITORS),
    ("/questionnaires/{questionnaire_id}/publish/", EDITORS),
    ("/questionnaires/{questionnaire_id}/links/", EDITORS),
    ("/questionnaires/{questionnaire_id}/links.csv", EDITORS),
    ("/questionnaires/{questionnaire_id}/contacts/", EDITORS),
    ("/questionnaires/{questionnaire_id}/results/", EVERYONE),
    ("/questionnaires/{questionnaire_id}/results.csv", EVERYONE),
    ("/questionnaires/{questionnaire_id}/results.xlsx", EVERYONE),
    ("/consultation-events/new/", EDITORS),
    ("/consultation-events/{event_id}/edit/", EDITORS),
]
# The public answer pages: anyone, signed in or not.
PUBLIC_PAGES = [
    "/answer/{slug}/",
    "/answer/invited/{invitation}/",
    "/answer/withdraw/{withdrawal}/",
]


@pytest.fixture
def governance(demo) -> dict[str, object]:
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.governance.models import Body, MeetingAction, Question
    from saferplan.governance.tests.samples import one_of_everything
    from saferplan.plans.demo import demo_partnership

    partnership = demo_partnership()
    with partnership_scope(partnership):
        ids = one_of_everything(partnership, "Sample").ids
        users = get_user_model().objects
        Question.objects.filter(pk=ids["question_id"]).update(
            owner=users.get(username="council-lead")
        )
        MeetingAction.objects.filter(pk=ids["meeting_action_id"]).update(
            owner=users.get(username="board")
        )
        panel = Body.objects.create(partnership=partnership, name="IOM panel", kind="iom_panel",
                                    secretary=users.get(username="police-lead"))  # fmt: skip
    return {**ids, "panel_id": panel.pk}


@pytest.mark.parametrize(("pattern", "allowed"), GOVERNANCE_PAGES)
def test_every_governance_page_with_every_role(governance, pattern: str, allowed: set[str]) -> None:
    for role in ROLES:  # one set-up per page: the records are only read
        _answers_as_allowed(role, pattern.format(**governance), allowed)


@pytest.mark.parametrize("pattern", PUBLIC_PAGES)
def test_public_answer_pages_need_no_sign_in(governance, pattern: str) -> None:
    for role in ROLES:
        response = client_for(role).get(pattern.format(**governance))
        assert response.status_code == 200, role
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


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
    assert 'href="#id_rag_0"' in html and 'id="id_rag_0"' in html  # the first radio


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


@pytest.mark.parametrize("role", ROLES)
def test_a_plan_uploads_preview_with_every_role(demo, role: str) -> None:
    """Previewed (and confirmed or cancelled) by those who may change the plan."""
    from saferplan.web.tests.tenants import _plan_upload

    upload = _plan_upload(StrategyYear.objects.get().partnership)
    _answers_as_allowed(role, f"/plans/import/{upload}/", {"admin", "analyst"})
