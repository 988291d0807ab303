"""One partnership never sees or changes another's records: every URL, download and CLI
command, with the other partnership's ids and as every role (issue #9). The public pages
(no sign-in) show only published public editions, and nothing of a partnership that has
published nothing, to anyone."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership, Organisation, Partnership
from saferplan.cli.main import app
from saferplan.editions.models import Comment, Document, Edition, RouteStep, Step
from saferplan.editions.tests.samples import NAMES as EDITION_FILES
from saferplan.editions.tests.samples import editions_in
from saferplan.plans.models import Action, MeasureActual, ProgressUpdate
from saferplan.web.tests.tenants import (
    COMMENT_MARKER,
    DEMO_MARKERS,
    OTHER,
    OTHER_MARKERS,
    PUBLISHED_TITLE,
    ROLE_USERS,
    Tenant,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

ID_KEYWORDS = {"year_id", "action_id", "objective_id", "measure_id", "edition_id",
               "organisation_id", "membership_id", "budget_line_id", "grant_line_id", "post_id",
               "stream_id", "risk_id", "comment_id", "partnership_id",
               "body_id", "member_id", "meeting_id", "meeting_action_id", "question_id",
               "questionnaire_id", "item_id", "event_id", "job_id"}  # fmt: skip
# A questionnaire's public links: its open link, a single-use link, a withdrawal link; and
# a delivery plan upload waiting for its preview to be confirmed.
LINK_KEYWORDS = {"slug", "invitation", "withdrawal", "upload"}
# The values tried for each keyword that is not an id: export formats, an edition's files,
# a password link's user and token (a made-up one: the page says the link does not work),
# the financial year of a resources table, the kinds of document (whose routes admins edit).
CHOICES = {"fmt": ["xlsx", "docx", "pdf"], "file_name": list(EDITION_FILES),
           "uidb64": ["MQ"], "token": ["cz1xyz-0123456789abcdef"], "year": ["2019-20"],
           "document": list(Document.values)}  # fmt: skip
# The statutory plans' pages name a document, a plan year and a section of its template.
DOCUMENT_KEYWORDS = {"document", "year", "section"}
DOCUMENT_CHOICES = [
    {"document": "youth-justice-plan", "year": "2019-20", "section": "introduction"},
    {"document": "community-safety-plan", "year": "2019-20", "section": "strategy"},
    {"document": "knife-crime-action-plan", "year": "2019-20", "section": "introduction"},
]
NO_PAGE = {"login", "logout", "switch_partnership"}  # sign-in, sign-out, the header's form
# Pages for everyone, no sign-in: tried with the tenant's published edition (if any).
PUBLIC = {"published", "published_partnership", "published_edition", "published_document",
          "published_file"}  # fmt: skip
YJ_DOWNLOADS = ["csv", "xlsx"]
DOWNLOADING = ("/youth-justice/", "/resources/2019-20/", "/risks/")  # pages with ?format=


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch) -> tuple[Tenant, Tenant]:
    editions_in(monkeypatch, tmp_path / "editions")
    both = two_partnerships(tmp_path)
    for tenant, marker in zip(both, BUILD_MARKERS, strict=True):
        _build_job(tenant, marker)
    return both


# A Strategic Assessment build of each, whose error (shown on the builds page) holds a
# marker of its own partnership.
BUILD_MARKERS = ("Harrow Council: Community Safety", "[Brent plan]")


def _build_job(tenant: Tenant, marker: str) -> None:
    from saferplan.jobs.models import Job
    from saferplan.reports.jobs import KIND

    Job.objects.create(kind=KIND, partnership=tenant.partnership, state="failed",
                       requested_by=tenant.users["analyst"], error=f"{marker}: a test failure",
                       arguments={"area": "Harrow", "year": "2018", "comparators": ["London"]})  # fmt: skip


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[URLPattern]:
    found: list[URLPattern] = []
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            found += _patterns(item, prefix + str(item.pattern))
        elif item.name:
            found.append(item)
    return found


def _urls(ids: dict[str, int], public: bool = False) -> list[str]:
    """Every page and download of the URLconf, filled in with ``ids`` (``public``: the
    pages for everyone, with the tenant's published edition; else all the others)."""
    urls = []
    if public:
        ids = {**ids, "edition_id": ids["published_id"]}
    for pattern in _patterns():
        if pattern.name in NO_PAGE or (pattern.name in PUBLIC) != public:
            continue
        keywords = set(pattern.pattern.converters)
        unknown = keywords - ID_KEYWORDS - LINK_KEYWORDS - set(CHOICES) - DOCUMENT_KEYWORDS
        assert not unknown, f"add {unknown} of '{pattern.name}' to the tenancy matrix"
        kwargs = {k: ids[k] for k in keywords & (ID_KEYWORDS | LINK_KEYWORDS)}
        named = sorted(keywords & set(CHOICES))
        choices = [dict(zip(named, values, strict=True))
                   for values in itertools.product(*(CHOICES[k] for k in named))]  # fmt: skip
        if {"document", "year"} <= keywords or "section" in keywords:
            projected = [{k: c[k] for k in keywords & DOCUMENT_KEYWORDS} for c in DOCUMENT_CHOICES]
            choices = [dict(t) for t in dict.fromkeys(tuple(sorted(c.items())) for c in projected)]
        for choice in choices:
            url = reverse(pattern.name, kwargs={**kwargs, **choice})
            urls.append(url)
            if url.startswith(DOWNLOADING) and not url.endswith("/add/"):
                urls += [f"{url}?format={f}" for f in YJ_DOWNLOADS]
    return urls


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What a person would read in the response: page, CSV, Excel, Word or PDF."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode()
    if data[:2] == b"PK":  # Excel and Word are zips of XML
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(
                re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8", "replace"))
                for n in archive.namelist()
                if n.endswith(".xml")
            )
    return data.decode("utf-8", "replace")


def test_every_url_of_the_app_is_in_the_matrix(tenants) -> None:
    mine, _ = tenants
    urls = _urls(mine.ids)
    assert "/" in urls and any(u.startswith("/youth-justice/") for u in urls)
    assert any(u.endswith("progress.pdf") for u in urls)
    assert f"/editions/{mine.ids['edition_id']}/files/strategic-assessment.pdf" in urls
    assert f"/editions/{mine.ids['edition_id']}/document/" in urls
    assert f"/editions/{mine.ids['edition_id']}/comments/{mine.ids['comment_id']}/" in urls
    assert "/editions/routes/youth-justice-plan/" in urls
    public = _urls(mine.ids, public=True)
    assert "/published/" in public and not set(public) & set(urls)
    p, e = mine.ids["partnership_id"], mine.ids["published_id"]
    assert f"/published/{p}/{e}/files/strategic-assessment.pdf" in public
    assert "/plans-to-write/youth-justice-plan/2019-20/sections/introduction/" in urls


# Text ids of a partnership's own objects, tried as its numeric ids are (the public links,
# slug, invitation and withdrawal, answer anyone who holds them, by design).
TEXT_IDS = {"upload"}


def _names_the_other(url: str, other: Tenant) -> bool:
    """Whether ``url`` names one of ``other``'s objects: a numeric id or a text id."""
    numbers = {v for k, v in other.ids.items() if isinstance(v, int)}
    if numbers & {int(n) for n in re.findall(r"/(\d+)/", url)}:
        return True
    return any(f"/{other.ids[k]}/" in url for k in TEXT_IDS)


def test_the_scan_tries_the_text_ids(tenants) -> None:
    _, other = tenants
    tried = [u for u in _urls(other.ids) if _names_the_other(u, other)]
    assert f"/plans/import/{other.ids['upload']}/confirm/" in tried
    assert set(other.ids) >= TEXT_IDS and LINK_KEYWORDS >= TEXT_IDS


@pytest.mark.parametrize("role", ROLE_USERS)
def test_the_other_partnerships_ids_answer_404(tenants, role: str) -> None:
    for mine, other in (tenants, tenants[::-1]):
        client = _client(mine.users[role])
        for url in _urls(other.ids):
            if _names_the_other(url, other):
                assert client.get(url).status_code == 404, f"{role} of {mine.partnership}: {url}"


@pytest.mark.parametrize("role", ROLE_USERS)
def test_no_response_holds_the_other_partnerships_records(tenants, role: str) -> None:
    for (mine, _), markers in ((tenants, OTHER_MARKERS), (tenants[::-1], DEMO_MARKERS)):
        client = _client(mine.users[role])
        for url in _urls(mine.ids):
            response = client.get(url)
            assert response.status_code in (200, 403), f"{url}: {response.status_code}"
            text = _text(response)
            for marker in markers:
                assert not marker.search(text), (
                    f"{role} of {mine.partnership} sees {marker} at {url}"
                )


def test_imports_and_jobs_are_listed_for_their_own_partnership_only(tenants) -> None:
    """Each side's youth justice extract (restricted provenance) and import job are on its
    own pages, never on the other's; open data would be on both."""
    for (mine, other), (own, theirs) in (
        (tenants, ("demo-extract", "brent-extract")),
        (tenants[::-1], ("brent-extract", "demo-extract")),
    ):
        for role in ("admin", "yot"):
            page = _client(mine.users[role]).get("/imports/?kind=youth-justice").content.decode()
            assert own in page and theirs not in page, (mine.partnership, role)
        jobs = _client(mine.users["admin"]).get("/jobs/").content.decode()
        assert f"/jobs/{mine.ids['job_id']}/" in jobs
        assert f"/jobs/{other.ids['job_id']}/" not in jobs


def test_own_records_are_seen(tenants) -> None:
    """The scan above would pass on empty pages: each side does see its own records."""
    demo, other = tenants
    page = _client(other.users["analyst"]).get(f"/plans/{other.ids['year_id']}/")
    assert "[Brent plan]" in page.content.decode()
    tracker = _client(other.users["yot"]).get("/youth-justice/tracker/?format=csv&period=2018-19")
    assert re.search(r"\bBX\d{7}\b", tracker.content.decode())
    document = _client(other.users["board"]).get(f"/editions/{other.ids['edition_id']}/document/")
    assert "[Brent plan]" in document.content.decode()
    section = "/plans-to-write/youth-justice-plan/2019-20/sections/introduction/"
    assert "[Brent plan]" in _client(other.users["yot"]).get(section).content.decode()
    home = _client(demo.users["council-lead"]).get("/").content.decode()
    assert "Harrow Council: Community Safety" in home or "Your organisation" in home
    for tenant, marker in zip((demo, other), BUILD_MARKERS, strict=True):
        builds = _client(tenant.users["admin"]).get("/assessment/builds/").content.decode()
        assert f"{marker}: a test failure" in builds
    budget = _client(other.users["board"]).get("/resources/2019-20/budget/").content.decode()
    assert "[Brent plan] council" in budget and "£650,000" in budget
    risks = _client(demo.users["board"]).get("/risks/").content.decode()
    assert "(sample)" in risks and "Brent" not in risks
    staffing = _client(other.users["yot"]).get("/resources/2019-20/staffing/").content.decode()
    assert "[Brent plan] Practitioner" in staffing and "Irish" in staffing

    board = _client(other.users["board"])
    assert (
        "[Brent plan] question"
        in board.get(f"/questions/{other.ids['question_id']}/").content.decode()
    )
    results = board.get(
        f"/questionnaires/{other.ids['questionnaire_id']}/results/"
    ).content.decode()
    assert "[Brent plan] free text" in results and "[Brent plan] comment" in results
    meeting = board.get(f"/meetings/{other.ids['meeting_id']}/").content.decode()
    assert "[Brent plan] action arising" in meeting and "[Brent plan] chair" in meeting


@pytest.mark.parametrize("who", ["anonymous", "analyst", "brent-analyst"])
def test_public_pages_show_only_the_questionnaire(tenants, who: str) -> None:
    """A questionnaire's links work for anyone, signed in to any partnership or not, and
    show the questionnaire alone: no navigation, no records, no other partnership's name."""
    demo, _ = tenants
    client = Client() if who == "anonymous" else _client(who)
    for name, kwargs in (("answer", {"slug": demo.ids["slug"]}),
                         ("answer_invited", {"invitation": demo.ids["invitation"]}),
                         ("answer_withdraw", {"withdrawal": demo.ids["withdrawal"]})):  # fmt: skip
        page = client.get(reverse(name, kwargs=kwargs))
        assert page.status_code == 200, name
        text = page.content.decode()
        assert "Youth Justice Plan consultation" in text
        for absent in ("Sign out", "Switch partnership", "Audit trail", "Signed in as",
                       OTHER, "Harrow Council: Community Safety", "someone@example.org"):  # fmt: skip
            assert absent not in text, (who, name, absent)
        for marker in OTHER_MARKERS:
            assert not marker.search(text), (who, name, marker)


def test_crafted_governance_posts_across_partnerships_change_nothing(tenants) -> None:
    from saferplan.governance import models as g

    demo, other = tenants
    models = (g.Question, g.MeetingAction, g.Attendance, g.QuestionnaireItem, g.Invitation,
              g.Response, g.Answer)  # fmt: skip
    Question, Response = g.Question, g.Response

    def state() -> list[object]:
        return [sorted(map(str, m.objects.values_list())) for m in models] + [
            AuditEvent.objects.count()
        ]

    before = state()
    admin, analyst = _client(demo.users["admin"]), _client(demo.users["analyst"])
    theirs = other.ids
    posts = [
        (analyst, f"/questions/{theirs['question_id']}/edit/", {"question": "Taken over"}),
        (analyst, f"/questions/{theirs['question_id']}/answer/", {"answer": "x"}),
        (admin, f"/meetings/{theirs['meeting_id']}/attendance/", {}),
        (admin, f"/meetings/{theirs['meeting_id']}/actions/new/", {"text": "Planted"}),
        (admin, f"/meeting-actions/{theirs['meeting_action_id']}/edit/", {"status": "done"}),
        (admin, f"/bodies/{theirs['body_id']}/members/new/", {"person": "Planted"}),
        (analyst, f"/questionnaires/{theirs['questionnaire_id']}/questions/new/", {"text": "x"}),
        (analyst, f"/questionnaires/{theirs['questionnaire_id']}/links/", {"count": "5"}),
        (analyst, f"/questionnaires/{demo.ids['questionnaire_id']}/contacts/",
         {"response": Response.objects.get(questionnaire_id=theirs["questionnaire_id"]).pk}),
    ]  # fmt: skip
    for client, url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # Another partnership's user cannot be made the owner of one's own question.
    question = Question.objects.get(pk=demo.ids["question_id"])
    stranger = get_user_model().objects.get(username=other.users["analyst"])
    response = analyst.post(f"/questions/{question.pk}/edit/", {
        "forum": "x", "raised_on": "2017-06-27", "raised_by": "x", "question": "x",
        "answerer": "x", "owner": stranger.pk, "status": "open", "version": question.version})  # fmt: skip
    assert response.status_code == 400
    assert state() == before


def test_crafted_posts_across_partnerships_are_refused_and_change_nothing(tenants) -> None:
    demo, other = tenants
    before = (ProgressUpdate.objects.count(), Action.objects.values_list("version", "text"),
              MeasureActual.objects.count(), AuditEvent.objects.count())  # fmt: skip
    before = (before[0], sorted(before[1]), before[2], before[3])
    analyst, lead = _client(demo.users["analyst"]), _client(demo.users["police-lead"])
    admin = _client(demo.users["admin"])
    resources = _resources_state()
    theirs, mine = other.ids, demo.ids
    governance = (Step.objects.count(), Comment.objects.count(), RouteStep.objects.count(),
                  sorted(Edition.objects.values_list("pk", "state")))  # fmt: skip
    posts = [
        (lead, f"/actions/{theirs['action_id']}/update/", {"rag": "green", "text": "x", "version": 1}),
        (analyst, f"/actions/{theirs['action_id']}/update/", {"rag": "red", "text": "x", "version": 1}),
        (analyst, f"/actions/{theirs['action_id']}/edit/", {"text": "Taken over", "version": 1}),
        (analyst, f"/objectives/{theirs['objective_id']}/add-action/", {"text": "Planted", "version": 0}),
        (analyst, f"/plans/{theirs['year_id']}/year-end/", {"carry_over": "1", "next_label": "2020/21"}),
        (analyst, f"/measures/{theirs['measure_id']}/actual/", {"period": "2019", "value": "1"}),
        (analyst, f"/plans/{theirs['year_id']}/leads/", {"lead": "Farah Ikram", "organisation": 1}),
        (analyst, "/partnership/", {"partnership": other.partnership.pk}),
        (admin, f"/resources/budget/{theirs['budget_line_id']}/", {"agency": "other", "version": 1}),
        (admin, f"/resources/budget/{theirs['budget_line_id']}/", {"remove": "1", "version": 1}),
        (admin, f"/resources/grant-allocation/{theirs['grant_line_id']}/", {"amount": "1"}),
        (admin, f"/resources/staffing/{theirs['post_id']}/", {"remove": "1"}),
        (admin, f"/resources/funding/{theirs['stream_id']}/", {"stream": "Taken", "version": 1}),
        (admin, f"/risks/{theirs['risk_id']}/edit/", {"risk": "x", "likelihood": 1, "impact": 1}),
        (admin, f"/risks/{theirs['risk_id']}/close/", {"version": 1}),
        (admin, f"/editions/{theirs['edition_id']}/advance/", {"body": "x", "meeting_date": "2019-06-20", "state": "overview-and-scrutiny"}),
        (admin, f"/editions/{theirs['edition_id']}/return/", {"body": "x", "meeting_date": "2019-06-20", "state": "overview-and-scrutiny", "to_state": "draft"}),
        (admin, f"/editions/{theirs['edition_id']}/amendment/", {"step": 1, "text": "x", "made_by": "y"}),
        (analyst, f"/editions/{theirs['edition_id']}/comments/", {"source_kind": "public", "source_name": "x", "text": "Planted", "raised_on": "2019-06-20", "due_on": "2019-06-30", "owner": 1}),
        (analyst, f"/editions/{theirs['edition_id']}/comments/{theirs['comment_id']}/", {"response": "x", "changed": "yes", "change_note": "x", "responded_on": "2019-06-20", "version": 1}),
        (analyst, f"/editions/{mine['edition_id']}/comments/{theirs['comment_id']}/", {"response": "x", "changed": "yes", "change_note": "x", "responded_on": "2019-06-20", "version": 1}),
    ]  # fmt: skip
    for client, url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # A lead organisation of the other partnership cannot be given to one's own action.
    action = Action.objects.get(pk=demo.ids["action_id"])
    foreign = Organisation.objects.filter(partnership=other.partnership).first()
    response = analyst.post(f"/actions/{action.pk}/edit/", {
        "text": action.text, "version": action.version, "lead_organisation": foreign.pk})  # fmt: skip
    assert response.status_code == 400
    after = (ProgressUpdate.objects.count(), sorted(Action.objects.values_list("version", "text")),
             MeasureActual.objects.count(), AuditEvent.objects.count())  # fmt: skip
    assert after == before
    assert _resources_state() == resources
    assert governance == (Step.objects.count(), Comment.objects.count(), RouteStep.objects.count(),
                          sorted(Edition.objects.values_list("pk", "state")))  # fmt: skip
    # Their edition is not one to compare with, whoever asks.
    changes = f"/editions/{mine['edition_id']}/changes/?from={theirs['edition_id']}"
    assert analyst.get(changes).status_code == 404
    assert analyst.get(changes + "&format=csv").status_code == 404


def test_a_funding_stream_cannot_be_linked_to_the_other_partnerships_action(tenants) -> None:
    from saferplan.resources.models import FundingStream

    demo, other = tenants
    stream = FundingStream.objects.get(pk=demo.ids["stream_id"])
    linked = sorted(stream.actions.values_list("pk", flat=True))
    response = _client(demo.users["analyst"]).post(
        f"/resources/funding/{stream.pk}/",
        {"stream": "Taken", "actions": [other.ids["action_id"]], "version": stream.version},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    stream.refresh_from_db()
    assert (
        stream.stream != "Taken" and sorted(stream.actions.values_list("pk", flat=True)) == linked
    )


def _resources_state() -> list[object]:
    from saferplan.resources import models

    return [sorted(m.objects.values_list("pk", "version")) for m in (  # type: ignore[attr-defined]
        models.BudgetLine, models.GrantAllocation, models.StaffPost, models.FundingStream,
        models.Risk)] + [models.RiskReview.objects.count()]  # fmt: skip


def _accounts_state() -> tuple[object, ...]:
    return (
        sorted(Organisation.objects.values_list("pk", "partnership", "name", "kind", "aliases")),
        sorted((m.pk, m.user_id, m.organisation_id, tuple(m.roles))
               for m in Membership.objects.all()),
        sorted(get_user_model().objects.values_list("pk", "username", "is_active", "password")),
        sorted((p.pk, tuple(p.areas), tuple(p.comparators), p.youth_justice_area)
               for p in Partnership.objects.all()),
        AuditEvent.objects.count(),
    )  # fmt: skip


def test_admins_manage_only_their_own_partnership(tenants) -> None:
    """Another partnership's organisations and members answer 404 to an admin, and crafted
    posts naming them change nothing, in either direction."""
    for mine, other in (tenants, tenants[::-1]):
        before = _accounts_state()
        admin = _client(mine.users["admin"])
        theirs, own = other.ids, mine.ids
        foreign_org = str(theirs["organisation_id"])
        posts = [
            (f"/manage/organisations/{theirs['organisation_id']}/", {"name": "Taken", "kind": "other"}),
            (f"/manage/members/{theirs['membership_id']}/", {"organisation": str(own["organisation_id"]),
                                                            "roles": "admin"}),
            *((f"/manage/members/{theirs['membership_id']}/{change}/", {})
              for change in ("password-link", "deactivate", "reactivate", "remove")),
        ]  # fmt: skip
        for url, data in posts:
            assert admin.post(url, data).status_code == 404, url
        # Their organisation cannot be given to a new member or to one's own.
        joined = {"username": "newcomer", "email": "n@example.org", "organisation": foreign_org,
                  "roles": "analyst"}  # fmt: skip
        assert admin.post("/manage/members/add/", joined).status_code == 400
        moved = {"organisation": foreign_org, "roles": "analyst"}
        assert admin.post(f"/manage/members/{own['membership_id']}/", moved).status_code == 400
        # Nor can their users be taken in without the email address their account has.
        stolen = {**joined, "username": other.users["analyst"],
                  "organisation": str(own["organisation_id"])}  # fmt: skip
        response = admin.post("/manage/members/add/", stolen)
        assert response.status_code == 400 and "already exists" in response.content.decode()
        assert _accounts_state() == before


def test_a_partnerships_route_is_its_own(tenants) -> None:
    demo, other = tenants
    before = list(RouteStep.objects.filter(partnership=other.partnership).values_list(
        "document", "position", "state"))  # fmt: skip
    assert before  # their first step copied their route
    # As the page sends it: its rows are the route's steps (here two kept, the rest gone).
    data = {"step-TOTAL_FORMS": "2", "step-INITIAL_FORMS": "2",
            "step-0-state": "draft", "step-0-label": "Draft", "step-0-ORDER": "1",
            "step-1-state": "published", "step-1-label": "Published", "step-1-ORDER": "2",
            "step-1-roles": ["admin"]}  # fmt: skip
    response = _client(demo.users["admin"]).post("/editions/routes/knife-crime-action-plan/", data)
    assert response.status_code == 302
    assert RouteStep.objects.filter(partnership=demo.partnership,
                                    document="knife-crime-action-plan").count() == 2  # fmt: skip
    after = list(RouteStep.objects.filter(partnership=other.partnership).values_list(
        "document", "position", "state"))  # fmt: skip
    assert after == before


SIGNED_IN_AS = re.compile(r"Signed in as [^<]*")


def _visitors(tenants: tuple[Tenant, Tenant]) -> list[tuple[str, Client]]:
    """Anonymous, and every role of both partnerships."""
    found = [("anonymous", Client())]
    for tenant in tenants:
        found += [(f"{role} of {tenant.partnership}", _client(name))
                  for role, name in tenant.users.items()]  # fmt: skip
    return found


def test_public_pages_show_only_published_public_editions_to_anyone(tenants) -> None:
    demo, other = tenants
    published, unpublished = _urls(demo.ids, public=True), _urls(other.ids, public=True)
    p = demo.ids["partnership_id"]
    drafts = [u.replace(f"/{demo.ids['published_id']}/", f"/{demo.ids['edition_id']}/")
              for u in published if f"/{p}/{demo.ids['published_id']}/" in u]  # fmt: skip
    for who, client in _visitors(tenants):
        for url in published:
            response = client.get(url)
            assert response.status_code == 200, f"{who}: {url}"
            # (A signed-in visitor's footer names their own organisation and partnership.)
            text = SIGNED_IN_AS.sub("", _text(response))
            for marker in OTHER_MARKERS:
                assert not marker.search(text), f"{who} sees {marker} at {url}"
            assert COMMENT_MARKER not in text, f"{who} sees a comment or decision at {url}"
            assert other.partnership.name not in text, f"{who}: {url}"
        for url in [*drafts, *(u for u in unpublished if u != "/published/")]:
            assert client.get(url).status_code == 404, f"{who}: {url}"
    listing = Client().get("/published/").content.decode()
    assert PUBLISHED_TITLE in listing and demo.partnership.name in listing


def test_public_pages_show_what_was_published(tenants) -> None:
    """The scan above would pass on empty pages: the published edition is there."""
    demo, _ = tenants
    p, e = demo.ids["partnership_id"], demo.ids["published_id"]
    page = Client().get(f"/published/{p}/{e}/").content.decode()
    assert PUBLISHED_TITLE in page and "28 June 2019" in page and "Board approved" in page
    document = Client().get(f"/published/{p}/{e}/document/").content.decode()
    assert "Harrow published: crime rose 6.8%." in document


def test_a_user_in_two_partnerships_switches_between_them(tenants) -> None:
    demo, other = tenants
    analyst = get_user_model().objects.get(username=demo.users["analyst"])
    org = Organisation.objects.filter(partnership=other.partnership).first()
    Membership.objects.create(user=analyst, partnership=other.partnership, organisation=org,
                              roles=["board"])  # fmt: skip
    client = _client(analyst.username)
    home = client.get("/").content.decode()
    assert "Switch partnership" in home and demo.partnership.name in home
    assert client.get(f"/plans/{other.ids['year_id']}/").status_code == 404
    assert client.post("/partnership/", {"partnership": other.partnership.pk}).status_code == 302
    assert client.get(f"/plans/{other.ids['year_id']}/").status_code == 200
    assert client.get(f"/plans/{demo.ids['year_id']}/").status_code == 404
    # A board member there: reads, never edits, whatever they may do in the other.
    assert client.get(f"/actions/{other.ids['action_id']}/edit/").status_code == 403
    client.get(f"/plans/{other.ids['year_id']}/")
    event = AuditEvent.objects.filter(user=analyst).order_by("-id").first()
    assert event is None or event.partnership_id == other.partnership.pk


def test_audit_events_record_their_partnership(tenants) -> None:
    _, other = tenants
    client = _client(other.users["yot"])
    assert client.get("/youth-justice/profile/?period=2018-19").status_code == 200
    event = AuditEvent.objects.filter(user__username=other.users["yot"]).get()
    assert event.partnership == other.partnership


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_cli_commands_need_a_partnership_and_keep_to_it(tenants) -> None:
    demo, _ = tenants
    refused = _cli("youthjustice", "profile", "--period", "2018-19")
    assert refused.exit_code == 1 and "say which partnership" in refused.output
    typo = _cli("youthjustice", "profile", "--period", "2018-19", "--partnership", "Safer Harow")
    assert typo.exit_code == 1 and "Did you mean" in typo.output
    outputs = {
        name: "\n".join(
            _cli(*command, "--partnership", name).output
            for command in (
                ["youthjustice", "tracker", "--period", "2018-19", "--children", "--format", "csv",
                 "--today", "2020-06-30"],
                ["accounts", "list"],
                ["imports"],
                ["resources", "show", "--year", "2019-20", "--format", "csv"],
                ["resources", "show", "--year", "2019-20", "--table", "funding", "--format", "json"],
                ["resources", "show", "--table", "risks", "--format", "csv"],
            )
        )
        for name in (demo.partnership.name, OTHER)
    }  # fmt: skip
    assert re.search(r"\bC\d{7}\b", outputs[demo.partnership.name])
    assert re.search(r"\bBX\d{7}\b", outputs[OTHER])
    assert (
        "[Brent plan] A risk of Brent's" in outputs[OTHER]
        and "(sample)" in outputs[demo.partnership.name]
    )
    for name, markers in ((demo.partnership.name, OTHER_MARKERS), (OTHER, DEMO_MARKERS)):
        for marker in markers:
            assert not marker.search(outputs[name]), (name, marker)
    assert "brent-admin" not in outputs[demo.partnership.name]
    assert "brent-extract" not in outputs[demo.partnership.name]
