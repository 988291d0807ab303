"""Answering a questionnaire by its link, without an account: what is kept and what is
refused (single use, closing date, CSRF, spam, throttling, double sending, consent)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from saferplan.accounts.models import AuditEvent
from saferplan.governance.models import Answer, Invitation, Response
from saferplan.governance.tests.samples import harrow_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    """Tests answer at once; the throttle starts empty."""
    settings.GOVERNANCE_ANSWER_MIN_SECONDS = 0
    caches["throttle"].clear()


@pytest.fixture
def questionnaire(partnership):
    return harrow_questionnaire(partnership)


def _form(client: Client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
            for name in ("csrfmiddlewaretoken", "form_token")}  # fmt: skip


def _answers(q, overrides: dict[tuple[int, str], object] | None = None) -> dict[str, object]:
    items = {i.number: i for i in q.items.all()}
    data: dict[str, object] = {
        f"item-{items[1].pk}": "partially", f"item-{items[1].pk}-comment": "More on prevention",
        f"item-{items[2].pk}": "yes", f"item-{items[3].pk}": "no",
        f"item-{items[4].pk}": "Meet more often", f"item-{items[7].pk}": "no",
        f"item-{items[8].pk}": ["Email", "other"], f"item-{items[8].pk}-other": "Instagram",
    }  # fmt: skip
    data.update({f"item-{items[n].pk}{part}": v for (n, part), v in (overrides or {}).items()})
    return data


def _send(client: Client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, {**_form(client, url), **data})


def test_a_person_without_an_account_answers_and_nothing_identifies_them(questionnaire) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    url = f"/answer/{questionnaire.slug}/"
    response = _send(client, url, _answers(questionnaire))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert "kept no email address" in response.content.decode()
    stored = Response.objects.get()
    assert (stored.via, stored.contact_email, stored.withdraw_token) == ("open", "", "")
    assert stored.submitted_on == timezone.localdate()
    answers = {a.item.number: a for a in Answer.objects.select_related("item")}
    assert (answers[1].choice, answers[1].text) == ("partially", "More on prevention")
    assert answers[8].choices == ["Email", "other"] and answers[8].text == "Instagram"
    assert set(answers) == {1, 2, 3, 4, 7, 8}
    # No address anywhere in the database: not in the response, answers or audit trail.
    everything = str(list(Response.objects.values())) + str(list(Answer.objects.values()))
    everything += str(list(AuditEvent.objects.values()))
    assert "203.0.113.7" not in everything


def test_csrf_is_enforced_on_the_public_form(questionnaire) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{questionnaire.slug}/"
    token = _form(client, url)["form_token"]
    assert client.post(url, {"form_token": token, **_answers(questionnaire)}).status_code == 403
    assert not Response.objects.exists()


def test_a_single_use_link_takes_one_response(questionnaire) -> None:
    invitation = Invitation.objects.create(questionnaire=questionnaire)
    url = f"/answer/invited/{invitation.token}/"
    first = Client(enforce_csrf_checks=True)
    form = _form(first, url)
    second = Client(enforce_csrf_checks=True)
    other_form = _form(second, url)  # opened by two people before either sends
    assert first.post(url, {**form, **_answers(questionnaire)}).status_code == 200
    again = second.post(url, {**other_form, **_answers(questionnaire)})
    assert again.status_code == 410 and "has been used" in again.content.decode()
    assert Client().get(url).status_code == 410
    assert Response.objects.get().via == "invitation"
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_the_same_form_sent_twice_is_one_response(questionnaire) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{questionnaire.slug}/"
    form = {**_form(client, url), **_answers(questionnaire)}
    assert client.post(url, form).status_code == 200
    assert client.post(url, form).status_code == 409
    assert Response.objects.count() == 1 and Answer.objects.count() == 6


def test_answers_after_the_closing_date_are_refused(questionnaire) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{questionnaire.slug}/"
    form = {**_form(client, url), **_answers(questionnaire)}
    questionnaire.closes_on = timezone.localdate() - timedelta(days=1)
    questionnaire.save()
    refused = client.post(url, form)
    assert refused.status_code == 410 and "closed on" in refused.content.decode()
    assert client.get(url).status_code == 410
    assert not Response.objects.exists()
    questionnaire.closes_on = timezone.localdate()  # open to the end of its closing day
    questionnaire.save()
    assert client.post(url, form).status_code == 200


def test_drafts_and_closed_open_links_are_not_found(questionnaire) -> None:
    invitation = Invitation.objects.create(questionnaire=questionnaire)
    questionnaire.open_link = False
    questionnaire.save()
    assert Client().get(f"/answer/{questionnaire.slug}/").status_code == 404
    assert Client().get(f"/answer/invited/{invitation.token}/").status_code == 200
    questionnaire.published_on = None
    questionnaire.save()
    assert Client().get(f"/answer/invited/{invitation.token}/").status_code == 404
    assert Client().get("/answer/invited/not-a-token/").status_code == 404


def test_spam_is_refused(questionnaire, settings) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{questionnaire.slug}/"
    bot = client.post(url, {**_form(client, url), **_answers(questionnaire), "website": "x"})
    assert bot.status_code == 400
    forged = client.post(url, {**_form(client, url), **_answers(questionnaire),
                               "form_token": "forged"})  # fmt: skip
    assert forged.status_code == 400
    settings.GOVERNANCE_ANSWER_MIN_SECONDS = 60
    quick = _send(client, url, _answers(questionnaire))
    assert quick.status_code == 429 and "too quickly" in quick.content.decode()
    assert not Response.objects.exists()


def test_the_open_link_is_throttled_per_sender(questionnaire, settings) -> None:
    settings.GOVERNANCE_OPEN_LINK_LIMIT = (3, 600)
    url = f"/answer/{questionnaire.slug}/"
    school = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.1")
    codes = [_send(school, url, _answers(questionnaire)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.2")
    assert _send(elsewhere, url, _answers(questionnaire)).status_code == 200
    assert Response.objects.count() == 4
    # Single-use links are not throttled by sender: each takes one response anyway.
    invitation = Invitation.objects.create(questionnaire=questionnaire)
    invited = f"/answer/invited/{invitation.token}/"
    assert _send(school, invited, _answers(questionnaire)).status_code == 200


def test_a_form_sent_back_for_correction_is_not_counted_by_the_throttle(
    questionnaire, settings
) -> None:
    """A class on one school network sharing 30 answers should not lose them to typos."""
    settings.GOVERNANCE_OPEN_LINK_LIMIT = (1, 600)
    url = f"/answer/{questionnaire.slug}/"
    pupil = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.9")
    no_email = _answers(questionnaire, {(7, ""): "yes"})
    assert _send(pupil, url, no_email).status_code == 400  # sent back: no email given
    corrected = _answers(questionnaire, {(7, ""): "yes", (7, "-email"): "p@example.org"})
    assert _send(pupil, url, corrected).status_code == 200
    assert _send(pupil, url, _answers(questionnaire)).status_code == 429  # the one answer
    assert Response.objects.count() == 1


def test_the_throttle_writes_no_address(questionnaire, settings) -> None:
    from pathlib import Path

    url = f"/answer/{questionnaire.slug}/"
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.44")
    assert _send(client, url, _answers(questionnaire)).status_code == 200
    folder = Path(settings.CACHES["throttle"]["LOCATION"])
    written = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert written and b"192.0.2.44" not in written


def test_an_email_is_kept_only_with_consent_and_can_be_withdrawn(questionnaire) -> None:
    contact = questionnaire.items.get(number=7)
    url = f"/answer/{questionnaire.slug}/"
    client = Client(enforce_csrf_checks=True)
    declined = _answers(questionnaire, {(7, ""): "no", (7, "-email"): "kept@example.org"})
    assert _send(client, url, declined).status_code == 200
    assert Response.objects.get().contact_email == ""
    missing = _answers(questionnaire, {(7, ""): "maybe"})
    page = _send(client, url, missing)
    assert (
        page.status_code == 400
        and "Enter your email address, or choose No" in page.content.decode()
    )
    consented = _answers(questionnaire, {(7, ""): "maybe", (7, "-email"): "kept@example.org"})
    thanks = _send(client, url, consented)
    assert thanks.status_code == 200
    kept = Response.objects.get(contact_email="kept@example.org")
    assert not Answer.objects.filter(text__contains="@").exists()  # never in the answers
    assert Answer.objects.get(response=kept, item=contact).choice == "maybe"
    link = re.search(r'href="(/answer/withdraw/[^"]+/)"', thanks.content.decode()).group(1)
    assert link == f"/answer/withdraw/{kept.withdraw_token}/"
    withdrawing = Client(enforce_csrf_checks=True)
    page = withdrawing.get(link)
    assert page.status_code == 200 and "kept@example.org" not in page.content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    done = withdrawing.post(link, {"csrfmiddlewaretoken": csrf})
    assert "has been removed" in done.content.decode()
    kept.refresh_from_db()
    assert kept.contact_email == "" and kept.withdrawn_on == timezone.localdate()
    assert Answer.objects.filter(response=kept).count() == 6  # the answers stay
    event = AuditEvent.objects.get(model="governance.Response")
    assert "kept@example.org" not in str(event.__dict__)
    assert "already been removed" in withdrawing.get(link).content.decode()


def test_required_questions_and_bad_choices_are_named(questionnaire) -> None:
    first = questionnaire.items.get(number=1)
    first.required = True
    first.save()
    client = Client(enforce_csrf_checks=True)
    url = f"/answer/{questionnaire.slug}/"
    page = _send(client, url, _answers(questionnaire, {(1, ""): "", (3, ""): "maybe"}))
    html = page.content.decode()
    assert page.status_code == 400 and "govuk-error-summary" in html
    assert "Answer this question" in html and "Choose one of the answers shown" in html
    assert f'href="#id_item-{first.pk}_0"' in html
    assert not Response.objects.exists()
