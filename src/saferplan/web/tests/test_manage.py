"""The Manage pages: partnership settings and organisations, edited by admins through the
same services as ``saferplan accounts``, every change audited with the admin's name."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from saferplan.accounts.models import AuditEvent, Membership, Organisation, Partnership
from saferplan.cli.main import app
from saferplan.plans.importing import match_organisation
from saferplan.web.tests.manage import client_for, demo_with_real_passwords

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Partnership:
    return demo_with_real_passwords()


@pytest.fixture
def data_known(demo_warehouse, monkeypatch):  # type: ignore[no-untyped-def]
    """Area names are checked against the bundled London data."""
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)


SETTINGS = {"areas": "harrow, Brent", "youth_justice_area": "HARROW",
            "comparators": "Barnet, london", "youth_population_set": "ONS mid-2020"}  # fmt: skip


def test_settings_are_saved_as_the_data_names_them_and_audited(demo, data_known) -> None:
    admin = client_for("admin")
    response = admin.post("/partnership/settings/", SETTINGS)
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.areas == ["Harrow", "Brent"] and demo.youth_justice_area == "Harrow"
    assert demo.comparators == ["Barnet", "London"]
    assert demo.youth_population_set == "ONS mid-2020"
    event = AuditEvent.objects.get(model="accounts.Partnership", user__username="admin")
    assert event.partnership == demo and event.action == "changed" and event.actor == "admin"
    assert event.before["areas"] == ["Harrow"] and event.after["areas"] == ["Harrow", "Brent"]
    page = admin.get(response["Location"]).content.decode()
    assert 'value="Harrow, Brent"' in page and "settings are saved" in page


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("areas", "Harow", "&#x27;Harow&#x27; is not an area the data knows. Did you mean Harrow"),
        ("comparators", "Barnet, Londn", "&#x27;Londn&#x27; is not an area or comparator group"),
        ("youth_justice_area", "Brnt", "Did you mean Brent"),
        ("areas", "", "Enter at least one area"),
    ],
)
def test_unknown_names_are_refused_beside_their_field_and_nothing_is_stored(
    demo, data_known, field: str, value: str, problem: str
) -> None:
    before = Partnership.objects.values().get(pk=demo.pk)
    response = client_for("admin").post("/partnership/settings/", {**SETTINGS, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and f'href="#id_{field}"' in page
    assert problem in page
    assert Partnership.objects.values().get(pk=demo.pk) == before
    assert not AuditEvent.objects.filter(model="accounts.Partnership", user__isnull=False).exists()


def test_the_page_and_the_command_line_refuse_a_name_with_the_same_words(demo, data_known) -> None:
    cli = CliRunner().invoke(app, ["accounts", "partnership", demo.name, "--area", "Harow"])
    page = client_for("admin").post("/partnership/settings/", {**SETTINGS, "areas": "Harow"})
    assert cli.exit_code == 1 and "'Harow' is not an area the data knows" in cli.output
    assert "Did you mean Harrow?" in cli.output
    assert "Did you mean Harrow?" in page.content.decode()


def test_organisations_are_listed_with_their_members(demo) -> None:
    page = client_for("admin").get("/manage/organisations/").content.decode()
    for org in Organisation.objects.filter(partnership=demo):
        people = Membership.objects.filter(organisation=org).count()
        assert org.name in page
        assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{people}</td>' in page
    assert "Harrow Council: Community Safety" in page and "police, met, bcu, mps" not in page


def test_an_admin_adds_an_organisation_with_aliases(demo) -> None:
    data = {"name": "  Harrow   Neighbourhood Watch ", "kind": "charity",
            "aliases": " watch ,nhw,, Watch"}  # fmt: skip
    assert client_for("admin").post("/manage/organisations/add/", data).status_code == 302
    org = Organisation.objects.get(partnership=demo, name="Harrow Neighbourhood Watch")
    assert (org.kind, org.aliases) == ("charity", "watch, nhw")
    event = AuditEvent.objects.get(model="accounts.Organisation", object_id=str(org.pk))
    assert (event.action, event.actor, event.partnership) == ("created", "admin", demo)
    again = client_for("admin").post("/manage/organisations/add/",
                                     {**data, "name": "harrow neighbourhood watch"})  # fmt: skip
    assert again.status_code == 400
    assert "already an organisation called" in again.content.decode()
    assert Organisation.objects.filter(name__iexact="Harrow Neighbourhood Watch").count() == 1


def test_renaming_an_organisation_and_its_aliases_match_plan_leads(demo) -> None:
    org = Organisation.objects.get(name="London Fire Brigade")
    data = {"name": "London Fire and Rescue", "kind": "fire", "aliases": "fire, brigade, lfb"}
    response = client_for("admin").post(f"/manage/organisations/{org.pk}/", data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "London Fire and Rescue" and org.aliases == "fire, brigade, lfb"
    event = AuditEvent.objects.get(model="accounts.Organisation", object_id=str(org.pk))
    assert event.before["name"] == "London Fire Brigade"
    assert event.after["name"] == "London Fire and Rescue"
    everyone = list(Organisation.objects.filter(partnership=demo))
    assert match_organisation("Station manager, Brigade", everyone) == org


def test_an_organisation_cannot_take_another_ones_name(demo) -> None:
    org = Organisation.objects.get(name="London Fire Brigade")
    response = client_for("admin").post(
        f"/manage/organisations/{org.pk}/", {"name": "nhs harrow", "kind": "fire"}
    )
    assert (
        response.status_code == 400 and "already has an organisation" in response.content.decode()
    )
    org.refresh_from_db()
    assert org.name == "London Fire Brigade"
    assert not AuditEvent.objects.filter(model="accounts.Organisation").exists()


def test_an_unknown_kind_is_refused(demo) -> None:
    org = Organisation.objects.get(name="London Fire Brigade")
    response = client_for("admin").post(
        f"/manage/organisations/{org.pk}/", {"name": org.name, "kind": "spaceport"}
    )
    assert response.status_code == 400 and 'href="#id_kind"' in response.content.decode()


def test_the_header_shows_plans_to_plan_readers_and_manage_to_admins(demo) -> None:
    headers = {}
    for role in ("admin", "analyst", "board", "yot"):
        page = client_for(role).get("/").content.decode()
        headers[role] = page.split("</header>")[0]
    assert all('href="/plans/"' in headers[r] for r in ("admin", "analyst", "board"))
    assert 'href="/plans/"' not in headers["yot"]
    assert 'href="/manage/"' in headers["admin"]
    assert not any('href="/manage/"' in headers[r] for r in ("analyst", "board", "yot"))
    assert 'href="/plans/"' in client_for("board").get("/").content.decode().split("</header>")[1]
