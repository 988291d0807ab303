"""Writing the plans' sections in the app: saved as history and audited, unsafe text
refused (stored XSS), last year's text carried forward, guidance beside the field."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.documents.models import SectionRevision
from saferplan.plans.demo import load_demo_partnership

pytestmark = pytest.mark.django_db
SECTION = "/plans-to-write/youth-justice-plan/2019-20/sections/introduction/"


@pytest.fixture
def yot() -> Client:
    load_demo_partnership()
    client = Client()
    client.force_login(get_user_model().objects.get(username="yot"))
    return client


def test_a_save_is_kept_as_history_and_audited(yot: Client) -> None:
    page = yot.get(SECTION).content.decode()
    assert "Guidance" in page and "Not written yet." in page
    assert yot.post(SECTION, {"text": "First words."}).status_code == 302
    assert yot.post(SECTION, {"text": "Second words."}).status_code == 302
    texts = list(SectionRevision.objects.order_by("id").values_list("text", flat=True))
    assert texts == ["First words.", "Second words."]
    events = AuditEvent.objects.filter(user__username="yot", model="documents.SectionRevision")
    assert events.count() == 2
    assert "Second words." in yot.get(SECTION).content.decode()
    listing = yot.get("/plans-to-write/youth-justice-plan/2019-20/").content.decode()
    assert "by yot" in listing


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '<a href="https://x.org" onclick="alert(1)">x</a>',
        "[x](javascript:alert(document.cookie))",
        "[x](  javascript:alert(1))",
    ],
)
def test_unsafe_text_is_refused_and_stores_nothing(yot: Client, text: str) -> None:
    response = yot.post(SECTION, {"text": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "<script>alert" not in page and 'onclick="alert' not in page
    assert not SectionRevision.objects.exists()


def test_last_years_text_is_carried_forward(yot: Client) -> None:
    last_year = SECTION.replace("2019-20", "2018-19")
    refused = yot.post(SECTION, {"carry_forward": "1"})
    assert refused.status_code == 400 and "no 2018-19 text" in refused.content.decode()
    yot.post(last_year, {"text": "What we did in 2018-19."})
    assert yot.post(SECTION, {"carry_forward": "1"}).status_code == 302
    now = SectionRevision.objects.filter(year="2019-20").get()
    assert now.text == "What we did in 2018-19." and now.carried_from is not None
    assert "from last year" in yot.get(SECTION).content.decode()


def test_a_generated_section_or_unknown_document_is_not_found(yot: Client) -> None:
    assert yot.get("/plans-to-write/no-such-plan/2019-20/").status_code == 404
    assert yot.get("/plans-to-write/youth-justice-plan/nonsense/").status_code == 404
    assert yot.get(SECTION.replace("introduction", "no-such-section")).status_code == 404
