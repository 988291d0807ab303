"""Leads that match no organisation are shown and settled, on the command line and in the
app, and remembered as the organisation's alias (issue #11, item 18)."""

from __future__ import annotations

import csv
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Organisation, Partnership
from saferplan.cli.main import app
from saferplan.plans.demo import FIXTURES, PARTNERSHIP, load_demo_partnership
from saferplan.plans.models import Action, LeadAlias, StrategyYear

pytestmark = pytest.mark.django_db
PLAN = FIXTURES / "delivery_plan_2019_20.csv"
SPRUNKS = "Tanya Sprunks Inspector"
POLICE = "Metropolitan Police: Harrow"


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def harrow() -> Partnership:
    partnership = Partnership.objects.create(name="Safer Harrow")
    Organisation.objects.create(partnership=partnership, name=POLICE, kind="police",
                                aliases="police,met,mps")  # fmt: skip
    return partnership


def test_the_cli_shows_each_lead_and_how_it_was_matched(harrow) -> None:
    with open(PLAN, newline="", encoding="utf-8") as handle:
        leads = {" ".join(r["lead_raw"].split()) for r in csv.DictReader(handle)} - {""}
    result = _cli("plans", "import", str(PLAN), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines()
             if line.count("│") == 5}  # fmt: skip
    assert leads <= set(lines)
    assert POLICE in lines["Louis Smith / Tanya Sprunks Harrow Police"]
    assert "not matched" in lines[SPRUNKS]
    assert "Nothing was imported" in result.output and not StrategyYear.objects.exists()
    assert ("Columns not imported: 'table_columns', 'measure_group', 'source_lines', 'notes'"
            in " ".join(result.output.split()))  # fmt: skip


def test_a_lead_given_on_the_command_line_is_remembered_as_an_alias(harrow, tmp_path) -> None:
    result = _cli("plans", "import", str(PLAN), "--lead", f"{SPRUNKS}={POLICE}")
    assert result.exit_code == 0, result.output
    sprunks = Action.objects.filter(lead_text=SPRUNKS)
    assert sprunks.count() == 2 and {a.lead_organisation.name for a in sprunks} == {POLICE}
    alias = LeadAlias.objects.get()
    assert (alias.text, alias.organisation.name, alias.partnership) == (SPRUNKS, POLICE, harrow)
    assert AuditEvent.objects.filter(model="plans.LeadAlias", action="created").count() == 1
    # A later plan with the same lead (any spacing or case) is matched without asking.
    again = PLAN.read_text(encoding="utf-8").replace(SPRUNKS, "tanya  sprunks inspector")
    later = tmp_path / "later-plan.csv"
    later.write_text(again, encoding="utf-8")
    result = _cli("plans", "import", str(later), "--year", "2020/21")
    assert result.exit_code == 0, result.output
    assert re.search(r"tanya sprunks inspector\s*│\s*2\s*│\s*Metropolitan Police: Harrow\s*│"
                     r"\s*remembered lead", result.output)  # fmt: skip


@pytest.mark.parametrize(
    ("lead", "message"),
    [
        (f"{SPRUNKS}=Metropolitan Police: Harow", "Did you mean Metropolitan Police: Harrow"),
        (f"Nobody in the plan={POLICE}", "no action of the plan has the lead 'Nobody in the plan'"),
        (SPRUNKS, "is not LEAD=ORGANISATION"),
    ],
)
def test_a_wrong_lead_mapping_is_refused_and_nothing_is_imported(harrow, lead, message) -> None:
    result = _cli("plans", "import", str(PLAN), "--lead", lead)
    assert result.exit_code != 0 and message in result.output
    assert not StrategyYear.objects.exists() and not LeadAlias.objects.exists()


def test_a_mapping_file_settles_leads(harrow, tmp_path) -> None:
    mapping = tmp_path / "leads.csv"
    mapping.write_text(f"lead,organisation\n{SPRUNKS},{POLICE}\n", encoding="utf-8")
    result = _cli("plans", "import", str(PLAN), "--leads", str(mapping))
    assert result.exit_code == 0, result.output
    assert {a.lead_organisation_id for a in Action.objects.filter(lead_text=SPRUNKS)} == {
        Organisation.objects.get(name=POLICE).pk
    }


def test_a_plan_editor_settles_an_unmatched_lead_in_the_app() -> None:
    load_demo_partnership()
    year = StrategyYear.objects.get()
    police = Organisation.objects.get(name=POLICE)
    sprunks = list(Action.objects.filter(lead_text=SPRUNKS))
    assert len(sprunks) == 2 and all(a.lead_organisation is None for a in sprunks)
    lead = _client("police-lead")
    assert lead.get(f"/actions/{sprunks[0].pk}/update/").status_code == 403
    analyst = _client("analyst")
    page = analyst.get(f"/plans/{year.pk}/leads/").content.decode()
    assert SPRUNKS in page.split("Leads matched")[0]  # listed as not matched
    response = analyst.post(
        f"/plans/{year.pk}/leads/", {"lead": SPRUNKS, "organisation": police.pk}
    )
    assert response.status_code == 302
    assert {a.lead_organisation_id for a in Action.objects.filter(lead_text=SPRUNKS)} == {police.pk}
    assert LeadAlias.objects.get().organisation == police
    changed = AuditEvent.objects.filter(model="plans.Action", summary__contains="Lead organisation")
    assert changed.count() == 2 and all(e.user.username == "analyst" for e in changed)
    assert lead.get(f"/actions/{sprunks[0].pk}/update/").status_code == 200
    after = analyst.get(f"/plans/{year.pk}/leads/").content.decode()
    assert "2 actions updated" in after and SPRUNKS in after.split("Leads matched")[1]


def test_the_leads_page_refuses_what_it_should(demo_scope) -> None:
    year = StrategyYear.objects.get()
    assert _client("board").get(f"/plans/{year.pk}/leads/").status_code == 403
    empty = _client("analyst").post(f"/plans/{year.pk}/leads/", {"lead": SPRUNKS})
    assert empty.status_code == 400
    assert "Choose the organisation this lead belongs to" in empty.content.decode()
    police = Organisation.objects.get(name=POLICE)
    planted = _client("analyst").post(f"/plans/{year.pk}/leads/",
                                      {"lead": "Not in the plan", "organisation": police.pk})  # fmt: skip
    assert planted.status_code == 400
    assert "No action of the 2019/20 plan has the lead" in planted.content.decode()
    assert not LeadAlias.objects.exists()
    assert demo_scope.name == PARTNERSHIP
