"""Tags on actions (the documents and themes they are reported under) and the outcome
measures each action should move: validated, audited, within one plan year."""

from __future__ import annotations

import pytest

from saferplan.accounts.models import AuditEvent
from saferplan.core.errors import SaferplanError
from saferplan.plans.demo import FIXTURES, demo_partnership, load_demo_partnership
from saferplan.plans.importing import import_plan
from saferplan.plans.links import clean_tags, link_measures, set_tags, tagged
from saferplan.plans.models import Action, Measure, Objective, StrategyYear

pytestmark = pytest.mark.django_db


def test_tags_are_cleaned_and_a_malformed_one_is_refused() -> None:
    assert clean_tags([" Knife-Crime-Action-Plan", "lkcs:supporting-victims", "", "x",
                       "knife-crime-action-plan"]) == [
        "knife-crime-action-plan", "lkcs:supporting-victims", "x"
    ]  # fmt: skip
    for bad in ("<script>", "knife crime", "a:b:c", "-x"):
        with pytest.raises(SaferplanError, match="is not a tag"):
            clean_tags([bad])


def test_setting_tags_is_audited_and_bumps_the_version() -> None:
    load_demo_partnership()
    action = Action.objects.order_by("id").first()
    assert action is not None and action.tags == []
    set_tags(action, ["knife-crime-action-plan", "lkcs:targeting-lawbreakers"])
    action.refresh_from_db()
    assert action.tags == ["knife-crime-action-plan", "lkcs:targeting-lawbreakers"]
    assert action.version == 2
    event = AuditEvent.objects.filter(model="plans.Action").latest("id")
    assert event.before["tags"] == [] and event.after["tags"] == action.tags
    assert tagged(Action.objects.all(), "knife-crime-action-plan") == [action]


def test_an_action_moves_measures_of_its_own_plan_year_only() -> None:
    load_demo_partnership()
    this_year = StrategyYear.objects.get(label="2019/20")
    text = (FIXTURES / "delivery_plan_2018_19.csv").read_text(encoding="utf-8")
    last_year = import_plan(text, "plan.csv", demo_partnership(), "2018/19", "Last year")
    action = Action.objects.filter(objective__priority__year=this_year).first()
    assert action is not None
    mine = Measure.objects.create(objective=action.objective, name="Burglaries")
    other_objective = Objective.objects.filter(priority__year=last_year).first()
    theirs = Measure.objects.create(objective=other_objective, name="Last year's")
    with pytest.raises(SaferplanError, match="another plan year"):
        link_measures(action, [mine, theirs])
    assert not action.measures.exists()
    link_measures(action, [mine])
    assert list(mine.actions.all()) == [action]
    assert AuditEvent.objects.filter(model="plans.Action", summary__contains="Measures of").exists()


def test_tags_and_measures_are_set_from_the_command_line() -> None:
    from typer.testing import CliRunner

    from saferplan.cli.main import app

    load_demo_partnership()
    name = demo_partnership().name
    action = Action.objects.exclude(reference="").order_by("id").first()
    assert action is not None
    measure = Measure.objects.create(objective=action.objective, name="Knife crime")
    runner = CliRunner()
    tagged_now = runner.invoke(app, ["plans", "tag", action.reference, "Knife-Crime-Action-Plan",
                                     "lkcs:supporting-victims", "--partnership", name])  # fmt: skip
    assert tagged_now.exit_code == 0, tagged_now.output
    linked = runner.invoke(app, ["plans", "link", action.reference, str(measure.pk),
                                 "--partnership", name])  # fmt: skip
    assert linked.exit_code == 0, linked.output
    action.refresh_from_db()
    assert action.tags == ["knife-crime-action-plan", "lkcs:supporting-victims"]
    assert list(action.measures.all()) == [measure]
    bad = runner.invoke(app, ["plans", "tag", action.reference, "<b>", "--partnership", name])
    assert bad.exit_code != 0 and "is not a tag" in bad.output
    missing = runner.invoke(app, ["plans", "link", "no-such-action", str(measure.pk),
                                  "--partnership", name])  # fmt: skip
    assert missing.exit_code != 0 and "no single action 'no-such-action'" in missing.output
