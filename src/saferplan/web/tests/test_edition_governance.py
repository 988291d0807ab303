"""An edition's route, comments, differences and publication in the web app: who may do
what, what is recorded, the refusals (409 for a stale form), and the public pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions import store
from saferplan.editions.models import Comment, Edition, MinorAmendment, RouteStep, Step
from saferplan.editions.tests.samples import keep_sample
from saferplan.plans.demo import demo_partnership, load_demo_partnership

pytestmark = pytest.mark.django_db

SCRUTINY = {"body": "Overview and Scrutiny Committee", "meeting_date": "2019-06-12",
            "agenda_item": "Item 8", "resolution": "Comments referred to Cabinet",
            "state": "draft"}  # fmt: skip


@pytest.fixture
def editions(tmp_path: Path, monkeypatch) -> dict[str, Edition]:
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    load_demo_partnership()
    with partnership_scope(demo_partnership()):
        return {
            "first": keep_sample(tmp_path / "a", "Harrow", body="<section id='s'><h2>Burglary"
                                 "</h2><p>Burglary rose 5%.</p></section>"),
            "restricted": keep_sample(tmp_path / "r", "Harrow", "restricted"),
            "second": keep_sample(tmp_path / "b", "Harrow", body="<section id='s'><h2>Burglary"
                                  "</h2><p>Burglary rose 6%.</p></section>"),
        }  # fmt: skip


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _advance(client: Client, edition: Edition, **changes: str):  # type: ignore[no-untyped-def]
    return client.post(f"/editions/{edition.pk}/advance/", {**SCRUTINY, **changes})


def test_the_edition_page_shows_its_route_and_offers_the_next_step_to_those_allowed(
    editions,
) -> None:
    first = editions["first"]
    page = _client("analyst").get(f"/editions/{first.pk}/").content.decode()
    assert "Route to publication" in page and "Record: Overview and Scrutiny" in page
    assert f'href="/editions/{first.pk}/advance/"' in page
    board = _client("board").get(f"/editions/{first.pk}/").content.decode()
    assert "Record: Overview and Scrutiny" not in board and "Draft" in board
    assert _client("board").get(f"/editions/{first.pk}/advance/").status_code == 403
    assert _advance(_client("board"), first).status_code == 403
    assert not Step.objects.exists()


def test_a_step_is_recorded_from_the_form_and_shown_in_the_history(editions) -> None:
    first = editions["first"]
    form = _client("analyst").get(f"/editions/{first.pk}/advance/").content.decode()
    assert 'value="Overview and Scrutiny Committee"' in form  # the route's usual body
    response = _advance(_client("analyst"), first, key_decision="on",
                        amendments="Table 2 retitled\nTypo on p. 4", amended_by="Director")  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    step = Step.objects.get()
    assert first.state == "overview-and-scrutiny" and step.taken_by.username == "analyst"
    assert (step.meeting_date, step.agenda_item, step.key_decision) == (dt.date(2019, 6, 12),
                                                                         "Item 8", True)  # fmt: skip
    assert [a.text for a in MinorAmendment.objects.order_by("id")] == ["Table 2 retitled",
                                                                       "Typo on p. 4"]  # fmt: skip
    page = _client("board").get(f"/editions/{first.pk}/").content.decode()
    assert "Comments referred to Cabinet" in page and "Key decision" in page
    assert "Typo on p. 4" in page
    event = AuditEvent.objects.get(model="editions.Edition", action="changed")
    assert event.user.username == "analyst" and event.after["state"] == "overview-and-scrutiny"


def test_a_stale_or_invalid_form_is_refused_and_records_nothing(editions) -> None:
    first = editions["first"]
    assert _advance(_client("analyst"), first).status_code == 302
    stale = _advance(_client("admin"), first)  # opened while it was still a draft
    assert stale.status_code == 409
    assert "has moved on since the page was opened" in stale.content.decode()
    invalid = _advance(_client("admin"), first, state="overview-and-scrutiny", body="",
                       meeting_date="2019-13-40")  # fmt: skip
    assert invalid.status_code == 400
    html = invalid.content.decode()
    assert "govuk-error-summary" in html and "Enter the body that decided" in html
    assert "Enter a real date" in html
    future = _advance(_client("admin"), first, state="overview-and-scrutiny",
                      meeting_date=(dt.date.today() + dt.timedelta(days=2)).isoformat())  # fmt: skip
    assert future.status_code == 400 and "is after today" in future.content.decode()
    assert Step.objects.count() == 1


def test_returned_for_changes_from_the_page(editions) -> None:
    first = editions["first"]
    _advance(_client("analyst"), first)
    assert _client("analyst").get(f"/editions/{first.pk}/return/").status_code == 403  # the board's
    response = _client("admin").post(f"/editions/{first.pk}/return/", {
        "body": "Safer Harrow board", "meeting_date": "2019-06-20", "to_state": "draft",
        "state": "overview-and-scrutiny", "resolution": "Rewrite the ASB section"})  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == "draft"
    assert Step.objects.order_by("-id").first().kind == "returned"  # type: ignore[union-attr]


def test_a_minor_amendment_is_recorded_later_under_a_decision(editions) -> None:
    first = editions["first"]
    _advance(_client("analyst"), first)
    step = Step.objects.get()
    assert _client("board").get(f"/editions/{first.pk}/amendment/").status_code == 403
    response = _client("analyst").post(f"/editions/{first.pk}/amendment/", {
        "step": step.pk, "text": "Chart 3 relabelled", "made_by": "Head of Community Safety",
        "made_on": "2019-06-14"})  # fmt: skip
    assert response.status_code == 302
    assert MinorAmendment.objects.get().made_by == "Head of Community Safety"


def _publish(edition: Edition) -> None:
    admin = _client("admin")
    for state, day in (("draft", 12), ("overview-and-scrutiny", 20), ("board-approved", 28)):
        response = _advance(admin, edition, state=state, meeting_date=f"2019-06-{day}",
                            body="Body")  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
    edition.refresh_from_db()
    assert edition.state == "published"


def test_a_published_edition_is_served_to_everyone_without_sign_in(editions) -> None:
    first, second = editions["first"], editions["second"]
    _publish(first)
    anyone = Client()
    assert 'href="/published/"' in anyone.get("/sign-in/").content.decode()  # found from there
    listing = anyone.get("/published/")
    assert listing.status_code == 200
    html = listing.content.decode()
    p = first.partnership_id
    assert f"/published/{p}/{first.pk}/" in html and f"/published/{p}/{second.pk}/" not in html
    assert "28 June 2019" in html
    page = anyone.get(f"/published/{p}/{first.pk}/").content.decode()
    assert "How it was approved" in page and "Overview and Scrutiny" in page
    assert f'src="/published/{p}/{first.pk}/document/"' in page
    pdf = anyone.get(f"/published/{p}/{first.pk}/files/strategic-assessment.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == (store.folder_of(first) / "strategic-assessment.pdf").read_bytes()
    document = anyone.get(f"/published/{p}/{first.pk}/document/")
    assert document.status_code == 200 and document["X-Frame-Options"] == "SAMEORIGIN"
    for unpublished in (second, editions["restricted"]):
        for url in (f"/published/{p}/{unpublished.pk}/", f"/published/{p}/{unpublished.pk}/document/",
                    f"/published/{p}/{unpublished.pk}/files/figures.json"):  # fmt: skip
            assert anyone.get(url).status_code == 404, url
    assert anyone.get(f"/published/{p + 1}/{first.pk}/").status_code == 404  # not its partnership
    # Its files are checked before they are sent, to everyone.
    path = store.folder_of(first) / "figures.json"
    made = hashlib.sha256(path.read_bytes()).hexdigest()
    path.chmod(0o600)
    path.write_text("{}")
    refused = anyone.get(f"/published/{p}/{first.pk}/files/figures.json")
    assert refused.status_code == 409 and made in refused.content.decode()
    event = AuditEvent.objects.get(action="refused")
    assert event.partnership_id == p and event.actor == "public (not signed in)"


def test_a_partnership_that_has_published_nothing_shows_nothing(editions) -> None:
    p = editions["first"].partnership_id
    assert "Nothing has been published yet" in Client().get("/published/").content.decode()
    assert Client().get(f"/published/{p}/").status_code == 404


def _comment(client: Client, edition: Edition, **changes: str):  # type: ignore[no-untyped-def]
    owner = get_user_model().objects.get(username="council-lead")
    data = {"source_kind": "committee", "source_name": "Overview and Scrutiny Committee",
            "section": "Burglary", "text": "Why did burglary rise?", "raised_on": "2019-06-12",
            "owner": owner.pk, "due_on": "2019-06-30", **changes}  # fmt: skip
    return client.post(f"/editions/{edition.pk}/comments/", data)


def test_a_comment_is_recorded_answered_by_its_owner_and_shown_on_the_next_edition(
    editions,
) -> None:
    first, second = editions["first"], editions["second"]
    assert _comment(_client("board"), first).status_code == 403
    form = _client("analyst").get(f"/editions/{first.pk}/comments/").content.decode()
    assert '<option value="Burglary">Burglary</option>' in form  # the document's sections
    assert _comment(_client("analyst"), first).status_code == 302
    comment = Comment.objects.get()
    assert comment.owner_name == "Chris Council" and comment.section == "Burglary"
    url = f"/editions/{second.pk}/comments/{comment.pk}/"
    assert _client("board").get(url).status_code == 403
    response = {"response": "Residential burglary rose in two wards.", "changed": "yes",
                "change_note": "A ward table added to section 4", "responded_on": "2019-06-25",
                "version": comment.version}  # fmt: skip
    assert _client("council-lead").post(url, response).status_code == 302  # its owner
    stale = _client("analyst").post(url, {**response, "response": "Mine"})
    assert stale.status_code == 409 and "someone else recorded a response" in stale.content.decode()
    page = _client("board").get(f"/editions/{second.pk}/").content.decode()
    assert "Responding to Overview and Scrutiny Committee&#x27;s feedback" in page
    assert "Why did burglary rise?" in page and "Changed: A ward table added to section 4" in page
    own = _client("board").get(f"/editions/{first.pk}/").content.decode()
    assert "Responding to" not in own  # its own comments are for the next edition's table
    # Not shown on an edition it was not carried to (an earlier one), nor answerable from it.
    assert _comment(_client("analyst"), second, text="On the second").status_code == 302
    later = Comment.objects.get(text="On the second")
    assert _client("analyst").get(f"/editions/{first.pk}/comments/{later.pk}/").status_code == 404
    assert (
        "On the second"
        not in _client("analyst").get(f"/editions/{first.pk}/comments/").content.decode()
    )


def test_an_open_comment_past_due_is_flagged(editions) -> None:
    first = editions["first"]
    _comment(_client("analyst"), first, due_on="2019-06-30")
    page = _client("board").get(f"/editions/{first.pk}/comments/").content.decode()
    assert "Overdue" in page and "1 overdue" in page
    assert "1 overdue" in _client("board").get(f"/editions/{first.pk}/").content.decode()
    # In the list: on the edition it was raised on and the later ones it is carried to.
    listing = _client("board").get("/editions/").content.decode()
    rows = {e.pk: _row_of(listing, e.pk) for e in (first, editions["second"])}
    assert all("1 overdue comment</strong>" in row for row in rows.values()), rows
    assert listing.count("overdue comment") == 2  # the restricted edition is not theirs to see
    restricted = _client("analyst").get("/editions/").content.decode()
    assert "1 overdue comment</strong>" in _row_of(restricted, editions["restricted"].pk)
    _comment(_client("analyst"), editions["second"], due_on="2019-06-30")  # later: not carried back
    listing = _client("board").get("/editions/").content.decode()
    assert "1 overdue comment</strong>" in _row_of(listing, first.pk)
    assert "2 overdue comments</strong>" in _row_of(listing, editions["second"].pk)


def _row_of(listing: str, edition_id: int) -> str:
    """The table row of one edition in the Documents list."""
    start = listing.index(f'href="/editions/{edition_id}/"')
    return listing[start : listing.index("</tr>", start)]


def test_the_changes_page_compares_with_the_previous_edition_and_downloads_csv(editions) -> None:
    first, second = editions["first"], editions["second"]
    page = _client("board").get(f"/editions/{second.pk}/changes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"What changed since edition {first.pk}" in html
    assert "<del>5%.</del>" in html and "<ins>6%.</ins>" in html
    csv = _client("board").get(f"/editions/{second.pk}/changes/?from={first.pk}&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0] == "part,figure,before,after,status,why"
    assert _client("board").get(f"/editions/{second.pk}/changes/?from=x").status_code == 400
    restricted = editions["restricted"].pk
    assert (
        _client("board").get(f"/editions/{second.pk}/changes/?from={restricted}").status_code == 403
    )
    assert (
        _client("analyst").get(f"/editions/{second.pk}/changes/?from={restricted}").status_code
        == 200
    )


def test_admins_edit_the_route_and_its_validation_is_shown(editions) -> None:
    admin = _client("admin")
    assert _client("analyst").get("/editions/routes/").status_code == 403
    assert admin.get("/editions/routes/no-such-plan/").status_code == 404
    listing = admin.get("/editions/routes/").content.decode()
    assert "Youth Justice Plan" in listing and "Submitted to the YJB" in listing
    form = admin.get("/editions/routes/youth-justice-plan/").content.decode()
    assert 'name="step-TOTAL_FORMS" value="9"' in form  # eight states and a blank row
    # Submit to the YJB before Cabinet: swap their places.
    order = {0: 1, 1: 2, 2: 3, 3: 4, 4: 6, 5: 7, 6: 5, 7: 8}
    from saferplan.editions.routes import declared_route

    declared = declared_route("youth-justice-plan").steps
    data = {"step-TOTAL_FORMS": "9", "step-INITIAL_FORMS": "8"}
    for i, s in enumerate(declared):
        data |= {f"step-{i}-state": s.state, f"step-{i}-label": s.label, f"step-{i}-body": s.body,
                 f"step-{i}-ORDER": str(order[i])}  # fmt: skip
        data[f"step-{i}-roles"] = list(s.roles)  # type: ignore[assignment]
    assert admin.post("/editions/routes/youth-justice-plan/", data).status_code == 302
    states = list(
        RouteStep.objects.filter(document="youth-justice-plan").values_list("state", flat=True)
    )
    assert states == ["draft", "partner-consultation", "board-approved", "overview-and-scrutiny",
                      "submitted", "cabinet", "full-council-adopted", "published"]  # fmt: skip
    bad = dict(data, **{"step-1-roles": [], "step-7-DELETE": "on"})
    refused = admin.post("/editions/routes/youth-justice-plan/", bad)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "the last state must be &#x27;published&#x27;" in html
    assert "name the role(s) that may take this step" in html
    assert AuditEvent.objects.filter(model="editions.Route").count() == 1


def test_the_public_history_shows_the_route_as_adopted_and_only_dates_of_returns(
    editions,
) -> None:
    first, admin = editions["first"], _client("admin")
    assert _advance(admin, first, body="Early Scrutiny", meeting_date="2019-06-01",
                    resolution="Superseded approval").status_code == 302  # fmt: skip
    returned = admin.post(f"/editions/{first.pk}/return/", {
        "body": "Safer Harrow board", "meeting_date": "2019-06-05", "to_state": "draft",
        "state": "overview-and-scrutiny", "resolution": "Rewrite the ASB section"})  # fmt: skip
    assert returned.status_code == 302
    _publish(first)
    page = Client().get(f"/published/{first.partnership_id}/{first.pk}/").content.decode()
    assert "The route as adopted" in page
    assert "returned for changes on 5 June 2019 (Safer Harrow board)" in page
    # the approval the return undid, and the return's own row, are not shown as decisions
    assert "Early Scrutiny" not in page and "Superseded approval" not in page
    assert "Rewrite the ASB section" not in page and "Returned for changes to" not in page
    assert page.count("20 June 2019") == 1  # the Scrutiny step that stands
    inside = _client("admin").get(f"/editions/{first.pk}/").content.decode()
    assert "Early Scrutiny" in inside and "Returned for changes to" in inside  # all, inside
