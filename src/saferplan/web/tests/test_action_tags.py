"""Tagging an action and linking the outcome measures it should move, on its edit page:
through the plans service (the version the person saw, audited), by those who may edit."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import SaferplanError
from saferplan.plans import service
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, Measure, Objective, Priority, StrategyYear

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def action() -> Action:
    load_demo_partnership()
    found = Action.objects.filter(lead_organisation__isnull=False).order_by("id").first()
    assert found is not None
    return found


def _measure(objective: Objective, name: str) -> Measure:
    return Measure.objects.create(objective=objective, name=name)


def _other_year_measure(action: Action) -> Measure:
    year = StrategyYear.objects.create(partnership=action.objective.priority.year.partnership,
                                       label="2018/19")  # fmt: skip
    priority = Priority.objects.create(year=year, name="Elsewhere")
    return _measure(Objective.objects.create(priority=priority, code="Z1", heading="Z"), "Old")


def _form(action: Action, **changes: object) -> dict[str, object]:
    return {
        "text": action.text,
        "measures_targets": action.measures_targets,
        "review_point_text": action.review_point_text,
        "review_date": action.review_date.isoformat() if action.review_date else "",
        "lead_text": action.lead_text,
        "lead_organisation": action.lead_organisation_id,
        "version": action.version,
        **changes,
    }


def test_the_edit_page_offers_the_tags_and_this_years_measures(action: Action) -> None:
    mine = _measure(action.objective, "Knife injuries, under 25s")
    old = _other_year_measure(action)
    Action.objects.filter(pk=action.pk).update(tags=["vawg"])  # set from the command line
    page = client_for("analyst").get(f"/actions/{action.pk}/edit/").content.decode()
    for tag in ("knife-crime-action-plan", "lkcs:supporting-victims", "vawg"):
        assert f'type="checkbox" value="{tag}"' in page
    assert 'value="vawg" checked' in page
    assert f'name="measures" type="checkbox" value="{mine.pk}"' in page
    assert "Knife injuries, under 25s" in page and old.name not in page.split("<form")[1]


def test_tags_and_measures_are_saved_versioned_and_audited(action: Action) -> None:
    measure = _measure(action.objective, "Knife injuries, under 25s")
    version = action.version
    tags = ["knife-crime-action-plan", "lkcs:supporting-victims"]
    posted = _form(action, tags=tags, measures=[measure.pk])
    done = client_for("analyst").post(f"/actions/{action.pk}/edit/", posted)
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.tags == tags and list(action.measures.all()) == [measure]
    assert action.version == version + 1
    event = AuditEvent.objects.filter(action="changed").order_by("-id").first()
    assert event is not None and event.actor == "analyst"
    assert "tags: knife-crime-action-plan, lkcs:supporting-victims" in event.summary
    assert "measures: Knife injuries, under 25s" in event.summary

    stale = client_for("admin").post(f"/actions/{action.pk}/edit/", {**posted, "tags": []})
    assert stale.status_code == 409
    action.refresh_from_db()
    assert action.tags == tags  # the stale form changed nothing


def test_unticking_clears_and_an_unknown_tag_is_refused(action: Action) -> None:
    Action.objects.filter(pk=action.pk).update(tags=["knife-crime-action-plan"])
    action.refresh_from_db()
    analyst = client_for("analyst")
    refused = analyst.post(f"/actions/{action.pk}/edit/", _form(action, tags=["lkcs:nope"]))
    assert (
        refused.status_code == 400 and "Select the tags from the list" in refused.content.decode()
    )
    action.refresh_from_db()
    assert action.tags == ["knife-crime-action-plan"]
    assert analyst.post(f"/actions/{action.pk}/edit/", _form(action)).status_code == 302
    action.refresh_from_db()
    assert action.tags == []


def test_a_measure_of_another_year_is_refused_and_nothing_saved(action: Action) -> None:
    old = _other_year_measure(action)
    posted = _form(action, measures=[old.pk])
    page = client_for("analyst").post(f"/actions/{action.pk}/edit/", posted)
    assert page.status_code == 400  # not among the choices offered
    user = get_user_model().objects.get(username="analyst")
    values = {f: getattr(action, f) for f in service.ACTION_FIELDS} | {"measures": [old]}
    partnership = action.objective.priority.year.partnership
    with partnership_scope(partnership), pytest.raises(SaferplanError, match="another plan year"):
        service.save_action(user, {**values, "text": "Changed"}, version=action.version,
                            action=action)  # fmt: skip
    action.refresh_from_db()
    assert action.text != "Changed" and not action.measures.exists()


@pytest.mark.parametrize("who", ["police-lead", "board", "yot"])
def test_only_those_who_edit_the_plan_tag_actions(action: Action, who: str) -> None:
    posted = _form(action, tags=["knife-crime-action-plan"])
    assert client_for(who).post(f"/actions/{action.pk}/edit/", posted).status_code == 403
    action.refresh_from_db()
    assert action.tags == []


def test_the_edit_page_saves_as_it_is_shown(action: Action) -> None:
    """The review date is shown as the field reads it back (it was shown "31 Mar 2020",
    which the field refused, so no action with a review date could be saved unchanged)."""
    import re

    assert action.review_date is not None
    analyst = client_for("analyst")
    page = analyst.get(f"/actions/{action.pk}/edit/").content.decode()
    shown = re.search(r'name="review_date" type="text" value="([^"]*)"', page)
    assert shown and shown.group(1) == action.review_date.isoformat()
    posted = _form(action, review_date=shown.group(1))
    assert analyst.post(f"/actions/{action.pk}/edit/", posted).status_code == 302


def test_partners_and_funding_typed_on_the_edit_page_are_kept(action: Action) -> None:
    """The page offers Partners, Funding source and Funding amount; what is typed there is
    saved and shown again (it was silently dropped: the service did not save those fields)."""
    analyst = client_for("analyst")
    posted = _form(action, partners="Probation; Fire", funding_source="LCPF",
                   funding_amount="12500.50")  # fmt: skip
    assert analyst.post(f"/actions/{action.pk}/edit/", posted).status_code == 302
    action.refresh_from_db()
    assert (action.partners, action.funding_source, str(action.funding_amount)) == (
        "Probation; Fire", "LCPF", "12500.50")  # fmt: skip
    page = analyst.get(f"/actions/{action.pk}/edit/").content.decode()
    assert 'value="Probation; Fire"' in page and 'value="LCPF"' in page
