"""A respondent who withdraws (by their link, or asking the partnership) withdraws their
consent to be contacted: the email address goes and the answers stay, as the withdrawal
page tells them. So a withdrawn response is counted the same everywhere a count is shown:
the consultations list, the questionnaire's page, its results, and the plans' block."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.governance import answering
from saferplan.governance.models import Answer, Response
from saferplan.governance.services import remove_contact
from saferplan.governance.tests.samples import harrow_questionnaire

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_a_withdrawn_response_counts_the_same_everywhere(demo_scope) -> None:
    from saferplan.documents.blocks import registry
    from saferplan.documents.context import Context
    from saferplan.documents.figures import Book
    from saferplan.documents.template import BlockUse, choose

    q = harrow_questionnaire(demo_scope)
    first = q.items.get(number=1)
    for i, email in enumerate(["a@example.org", "b@example.org", ""]):
        r = Response.objects.create(questionnaire=q, via="open", nonce=f"n{i}",
                                    contact_email=email, withdraw_token=f"t{i}" if email else "")  # fmt: skip
        Answer.objects.create(response=r, item=first, choice="yes")
    assert answering.withdraw("t0")  # by the respondent's own link
    remove_contact(get_user_model().objects.get(username="admin"), Response.objects.get(nonce="n1"))
    assert Response.objects.filter(withdrawn_on__isnull=False).count() == 2

    analyst = client_for("analyst")
    listed = analyst.get("/consultations/").content.decode()
    assert re.search(rf"{re.escape(q.title)}.*?\b3\b", listed, re.DOTALL)
    assert "3 responses." in analyst.get(f"/questionnaires/{q.pk}/").content.decode()
    results = analyst.get(f"/questionnaires/{q.pk}/results/").content.decode()
    assert "3 responses" in results and "Answered by 3 of 3" in results

    q.closes_on = date(2019, 5, 1)  # in the plan's year, for its consultation block
    q.save()
    ctx = Context(
        demo_scope, choose("youth-justice-plan", "2019-20"), "2019-20", date(2026, 11, 30)
    )
    book = Book(ctx.as_at)
    registry()["consultation_results"].function(ctx, BlockUse("consultation_results"), book)
    assert book.figures["consultation.q1.i1.answered"]["value"] == 3
    assert book.figures["consultation.q1.i1.yes"]["value"] == 3
