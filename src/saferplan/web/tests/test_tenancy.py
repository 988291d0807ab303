"""One partnership never sees or changes another's records: every URL, download and CLI
command, with the other partnership's ids and as every role (issue #9)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership, Organisation
from saferplan.cli.main import app
from saferplan.editions.tests.samples import NAMES as EDITION_FILES
from saferplan.editions.tests.samples import editions_in
from saferplan.plans.models import Action, MeasureActual, ProgressUpdate
from saferplan.web.tests.tenants import (
    DEMO_MARKERS,
    OTHER,
    OTHER_MARKERS,
    ROLE_USERS,
    Tenant,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

ID_KEYWORDS = {"year_id", "action_id", "objective_id", "measure_id", "edition_id"}
# The values tried for each keyword that is not an id: export formats, an edition's files.
CHOICES = {"fmt": ["xlsx", "docx", "pdf"], "file_name": list(EDITION_FILES)}
# The statutory plans' pages name a document, a plan year and a section of its template.
DOCUMENT_KEYWORDS = {"document", "year", "section"}
DOCUMENT_CHOICES = [
    {"document": "youth-justice-plan", "year": "2019-20", "section": "introduction"},
    {"document": "community-safety-plan", "year": "2019-20", "section": "strategy"},
    {"document": "knife-crime-action-plan", "year": "2019-20", "section": "introduction"},
]
NO_PAGE = {"login", "logout", "switch_partnership"}  # sign-in, sign-out, the header's form
YJ_DOWNLOADS = ["csv", "xlsx"]


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch) -> tuple[Tenant, Tenant]:
    editions_in(monkeypatch, tmp_path / "editions")
    return two_partnerships(tmp_path)


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[URLPattern]:
    found: list[URLPattern] = []
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            found += _patterns(item, prefix + str(item.pattern))
        elif item.name:
            found.append(item)
    return found


def _urls(ids: dict[str, int]) -> list[str]:
    """Every page and download of the URLconf, filled in with ``ids``."""
    urls = []
    for pattern in _patterns():
        if pattern.name in NO_PAGE:
            continue
        keywords = set(pattern.pattern.converters)
        unknown = keywords - ID_KEYWORDS - set(CHOICES) - DOCUMENT_KEYWORDS
        assert not unknown, f"add {unknown} of '{pattern.name}' to the tenancy matrix"
        kwargs = {k: ids[k] for k in keywords & ID_KEYWORDS}
        choices = [{k: v} for k in keywords & set(CHOICES) for v in CHOICES[k]] or [{}]
        if keywords & DOCUMENT_KEYWORDS:
            choices = [{k: c[k] for k in keywords & DOCUMENT_KEYWORDS} for c in DOCUMENT_CHOICES]
        for choice in choices:
            url = reverse(pattern.name, kwargs={**kwargs, **choice})
            urls.append(url)
            if url.startswith("/youth-justice/"):
                urls += [f"{url}?format={f}" for f in YJ_DOWNLOADS]
    return urls


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What a person would read in the response: page, CSV, Excel, Word or PDF."""
    data = response.content
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
    assert "/plans-to-write/youth-justice-plan/2019-20/sections/introduction/" in urls


@pytest.mark.parametrize("role", ROLE_USERS)
def test_the_other_partnerships_ids_answer_404(tenants, role: str) -> None:
    for mine, other in (tenants, tenants[::-1]):
        client = _client(mine.users[role])
        for url in _urls(other.ids):
            if set(other.ids.values()) & {int(n) for n in re.findall(r"/(\d+)/", url)}:
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


def test_crafted_posts_across_partnerships_are_refused_and_change_nothing(tenants) -> None:
    demo, other = tenants
    before = (ProgressUpdate.objects.count(), Action.objects.values_list("version", "text"),
              MeasureActual.objects.count(), AuditEvent.objects.count())  # fmt: skip
    before = (before[0], sorted(before[1]), before[2], before[3])
    analyst, lead = _client(demo.users["analyst"]), _client(demo.users["police-lead"])
    theirs = other.ids
    posts = [
        (lead, f"/actions/{theirs['action_id']}/update/", {"rag": "green", "text": "x", "version": 1}),
        (analyst, f"/actions/{theirs['action_id']}/update/", {"rag": "red", "text": "x", "version": 1}),
        (analyst, f"/actions/{theirs['action_id']}/edit/", {"text": "Taken over", "version": 1}),
        (analyst, f"/objectives/{theirs['objective_id']}/add-action/", {"text": "Planted", "version": 0}),
        (analyst, f"/plans/{theirs['year_id']}/year-end/", {"carry_over": "1", "next_label": "2020/21"}),
        (analyst, f"/measures/{theirs['measure_id']}/actual/", {"period": "2019", "value": "1"}),
        (analyst, "/partnership/", {"partnership": other.partnership.pk}),
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
            )
        )
        for name in (demo.partnership.name, OTHER)
    }  # fmt: skip
    assert re.search(r"\bC\d{7}\b", outputs[demo.partnership.name])
    assert re.search(r"\bBX\d{7}\b", outputs[OTHER])
    for name, markers in ((demo.partnership.name, OTHER_MARKERS), (OTHER, DEMO_MARKERS)):
        for marker in markers:
            assert not marker.search(outputs[name]), (name, marker)
    assert "brent-admin" not in outputs[demo.partnership.name]
    assert "brent-extract" not in outputs[demo.partnership.name]
