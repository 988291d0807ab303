"""What users found on the plan pages (issue #11, item 20), the year-end form (#9.5) and
carrying measures over (item 19)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.plans import exports
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, Disposition, Measure, Objective, Rag, StrategyYear

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _pages_of_anchors(html: str) -> dict[str, set[int]]:
    """On which pages of the PDF WeasyPrint lays out each element with an id."""
    from weasyprint import HTML

    found: dict[str, set[int]] = {}
    for number, page in enumerate(HTML(string=html).render().pages):
        for name in page.anchors:
            found.setdefault(name, set()).add(number)
    return found


def test_the_board_pdf_keeps_each_row_whole_and_with_its_objective() -> None:
    load_demo_partnership(with_history=True)
    year = StrategyYear.objects.get(label="2018/19")  # the plan with long progress cells
    groups = exports.report_by_objective(year)
    html = render_to_string("web/export_print.html", {"year": year, "objectives": groups})
    where = _pages_of_anchors(html)
    rows = [f"row-{g}-{r}" for g, group in enumerate(groups, 1)
            for r in range(1, len(group["rows"]) + 1)]  # fmt: skip
    assert len(rows) == 58 and max(max(p) for p in where.values()) >= 5  # several pages
    for row in rows:
        pages = where[row] | where[f"{row}-action-end"] | where[f"{row}-update-end"]
        assert len(pages) == 1, f"{row} is split across pages {sorted(pages)}"
    for number in range(1, len(groups) + 1):
        assert where[f"objective-{number}"] == where[f"row-{number}-1"]


def test_a_rating_has_one_colour_in_the_summary_the_table_and_the_history() -> None:
    load_demo_partnership()
    action = Action.objects.get(reference="1920-HV1-01")
    action.updates.create(rag=Rag.AMBER, text="Behind")
    action.updates.create(rag=Rag.GREEN, text="Caught up")
    page = _client("board").get(f"/actions/{action.pk}/").content.decode()
    tags = re.findall(r'class="govuk-tag ([\w-]+) app-rag">(Green|Amber)<', page)
    assert ("govuk-tag--green", "Green") in tags and ("govuk-tag--orange", "Amber") in tags
    assert all(colour == {"Green": "govuk-tag--green", "Amber": "govuk-tag--orange"}[label]
               for colour, label in tags)  # fmt: skip
    summary = _client("board").get(f"/plans/{action.objective.priority.year_id}/").content.decode()
    assert 'class="govuk-tag govuk-tag--green app-rag">Green: 1<' in summary


def test_quality_flags_name_the_action_by_its_text() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    a, b = Action.objects.order_by("id")[:2]
    b.text = a.text
    b.save()
    page = _client("board").get(f"/plans/{year.pk}/quality/").content.decode()
    first_words = " ".join(b.text.split()[:6])
    assert first_words in page.split("<tbody")[1]


def test_the_403_page_explains_and_offers_a_way_back() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    response = _client("board").get(f"/plans/{year.pk}/year-end/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only analysts and partnership admins can change the delivery plan." in page
    assert "as Board member (read-only)" in page and "Safer Harrow (demo)" in page
    assert f'href="/plans/{year.pk}/"' in page and 'href="/"' in page
    yot = _client("yot").get(f"/plans/{year.pk}/")
    assert yot.status_code == 403 and "can see the delivery plan" in yot.content.decode()


def test_the_year_end_form_shows_its_errors_in_the_error_summary() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    actions = list(Action.objects.order_by("id"))
    client = _client("analyst")
    data = {f"disposition-{a.pk}": "continue" for a in actions[1:]}
    response = client.post(f"/plans/{year.pk}/year-end/",
                           {**data, "carry_over": "1", "next_label": "2020"})  # fmt: skip
    assert response.status_code == 400
    summary = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert f'href="#id_disposition-{actions[0].pk}"' in summary
    assert "1 has none" in summary and 'href="#id_next_label"' in summary
    assert not Action.objects.exclude(disposition="").exists()  # nothing saved
    assert not StrategyYear.objects.filter(label="2020/21").exists()
    bad = client.post(f"/plans/{year.pk}/year-end/", {f"disposition-{actions[0].pk}": "maybe"})
    assert bad.status_code == 400 and "Choose Continue, Complete or Remove" in bad.content.decode()


def test_a_disposition_changed_meanwhile_is_a_conflict_and_nothing_is_saved() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    first, second = Action.objects.order_by("id")[:2]
    seen = {f"version-{a.pk}": a.version for a in (first, second)}
    assert _client("admin").post(f"/plans/{year.pk}/year-end/", {
        f"disposition-{first.pk}": "remove", **seen}).status_code == 302  # fmt: skip
    stale = _client("analyst").post(f"/plans/{year.pk}/year-end/", {
        f"disposition-{first.pk}": "continue", f"disposition-{second.pk}": "complete", **seen})  # fmt: skip
    assert stale.status_code == 409 and "Someone else changed this action" in stale.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.disposition, second.disposition) == ("remove", "")
    events = AuditEvent.objects.filter(summary__startswith="Year-end disposition")
    assert [e.user.username for e in events] == ["admin"]


def test_carrying_over_keeps_measures_and_sub_objectives() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    objective = Objective.objects.get(code="HH1a")
    measure = Measure.objects.create(objective=objective, name="Knife crime", baseline_value=10)
    measure.actuals.create(period="2019/20", value=8)
    Action.objects.update(disposition=Disposition.REMOVE)
    Action.objects.filter(objective=objective).update(disposition=Disposition.CONTINUE)
    response = _client("analyst").post(f"/plans/{year.pk}/year-end/",
                                       {"carry_over": "1", "next_label": "2020/21"})  # fmt: skip
    new = StrategyYear.objects.get(label="2020/21")
    assert response.status_code == 302
    carried = Objective.objects.get(priority__year=new, code="HH1a")
    assert carried.parent is not None and carried.parent.code == "HH1"
    copy = carried.measures.get()
    assert (copy.name, copy.baseline_value) == ("Knife crime", 10)
    assert [(a.period, a.value) for a in copy.actuals.all()] == [("2019/20", 8)]
    assert carried.actions.count() == objective.actions.count()
    assert AuditEvent.objects.filter(summary="Carried 2019/20 over into Community Safety, "
                                     "Violence, Vulnerability and Exploitation Delivery Plan "
                                     "2020/21").exists()  # fmt: skip
