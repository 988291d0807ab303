"""Uploading a delivery plan in the app: kept and previewed, then imported exactly as
previewed, or cancelled; a bad or changed file stores nothing; another partnership's
upload is a 404."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saferplan.accounts.models import Membership, Organisation, Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.datastore.models import ImportRecord
from saferplan.jobs.models import Job
from saferplan.plans.demo import FIXTURES, demo_partnership, load_demo_partnership
from saferplan.plans.models import Action, StrategyYear

pytestmark = pytest.mark.django_db
LAST_YEAR = FIXTURES / "delivery_plan_2018_19.csv"
PREVIEW = re.compile(r"^/plans/import/(\d{8}T\d{6}-[0-9a-f]{16})/$")


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    """The demo partnership (its 2019/20 plan only) and a data directory of the test's."""
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    load_demo_partnership()
    return tmp_path / "data"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def upload(client: Client, name: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/plans/import/", {"upload": SimpleUploadedFile(name, content), **fields})


def _preview_id(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:2000]
    found = PREVIEW.match(response["Location"])
    assert found, response["Location"]
    return found.group(1)


def _kept(data: Path) -> list[Path]:
    uploads = data / "uploads"
    return sorted(uploads.iterdir()) if uploads.exists() else []


def test_upload_preview_confirm_imports_the_plan(data: Path) -> None:
    analyst = client_for("analyst")
    upload_id = _preview_id(upload(analyst, "plan-2018-19.csv", LAST_YEAR.read_bytes()))
    page = analyst.get(f"/plans/import/{upload_id}/").content.decode()
    with open(LAST_YEAR, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert "Check the 2018/19 plan before importing it" in page
    created = re.search(r"Actions to be created</dt><dd[^>]*>(\d+)", page)
    assert created and int(created.group(1)) == len(rows)
    assert page.count('<tr class="govuk-table__row">') == len(rows) + 1  # and the header
    table = page[page.index("Each action and its lead") :]
    # The unmatched leads come first: the first row of the table is one.
    first_row = table[table.index("<tbody") : table.index("</tr>", table.index("<tbody"))]
    assert "Not matched" in first_row
    assert not StrategyYear.objects.filter(label="2018/19").exists()  # nothing yet

    done = analyst.post(f"/plans/import/{upload_id}/confirm/")
    year = StrategyYear.objects.get(label="2018/19")
    assert done.status_code == 302 and done["Location"] == f"/plans/{year.pk}/"
    assert Action.objects.filter(objective__priority__year=year).count() == len(rows)
    record = ImportRecord.objects.get(kind="delivery-plan")
    assert record.imported_by == "analyst" and record.rows_kept == len(rows)
    assert _kept(data) == []
    banner = analyst.get(done["Location"]).content.decode()
    assert "The 2018/19 plan was imported from plan-2018-19.csv." in banner


def test_the_imports_page_sends_a_plan_to_its_preview_not_to_a_job(data: Path) -> None:
    analyst = client_for("analyst")
    new = analyst.get("/imports/new/").content.decode()
    assert 'value="delivery-plan"' in new
    chosen = SimpleUploadedFile("plan.csv", LAST_YEAR.read_bytes())
    jobs = Job.objects.count()
    response = analyst.post("/imports/new/", {"kind": "delivery-plan", "upload": [chosen]})
    upload_id = _preview_id(response)
    assert Job.objects.count() == jobs
    assert analyst.get(f"/plans/import/{upload_id}/").status_code == 200


def test_a_bad_file_is_refused_naming_row_and_column_and_nothing_kept(data: Path) -> None:
    bad = LAST_YEAR.read_text(encoding="utf-8").replace('"1819-HV1-02"', '"1819 HV1 02"', 1)
    response = upload(client_for("analyst"), "plan.csv", bad.encode())
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "plan.csv, row 3, column &#x27;row_id&#x27;" in page
    assert str(data) not in page  # the server's folders are not shown
    assert _kept(data) == []


def test_a_file_changed_after_the_preview_is_not_imported(data: Path) -> None:
    analyst = client_for("analyst")
    upload_id = _preview_id(upload(analyst, "plan.csv", LAST_YEAR.read_bytes()))
    kept = data / "uploads" / upload_id / "plan.csv"
    kept.write_bytes(LAST_YEAR.read_bytes() + b"\n")
    response = analyst.post(f"/plans/import/{upload_id}/confirm/")
    assert response.status_code == 302 and response["Location"] == "/plans/import/"
    page = analyst.get("/plans/import/").content.decode()
    assert "changed since it was previewed" in page and "upload the file again" in page
    assert not StrategyYear.objects.filter(label="2018/19").exists()
    assert not ImportRecord.objects.filter(kind="delivery-plan").exists()
    assert _kept(data) == []


def test_an_existing_plan_year_is_not_offered_for_import(data: Path) -> None:
    analyst = client_for("analyst")
    this_year = (FIXTURES / "delivery_plan_2019_20.csv").read_bytes()
    upload_id = _preview_id(upload(analyst, "plan.csv", this_year))
    page = analyst.get(f"/plans/import/{upload_id}/").content.decode()
    assert "has a 2019/20 plan already" in page and "Confirm and import" not in page
    actions = Action.objects.count()
    refused = analyst.post(f"/plans/import/{upload_id}/confirm/")
    assert refused.status_code == 400 and "already been imported" in refused.content.decode()
    assert Action.objects.count() == actions
    assert not ImportRecord.objects.filter(kind="delivery-plan").exists()


def test_cancel_deletes_the_upload(data: Path) -> None:
    analyst = client_for("analyst")
    upload_id = _preview_id(upload(analyst, "plan.csv", LAST_YEAR.read_bytes()))
    assert len(_kept(data)) == 1
    assert analyst.post(f"/plans/import/{upload_id}/cancel/").status_code == 302
    assert _kept(data) == []
    assert analyst.get(f"/plans/import/{upload_id}/").status_code == 404


def test_another_partnerships_upload_is_404_and_others_are_refused(data: Path) -> None:
    upload_id = _preview_id(upload(client_for("analyst"), "plan.csv", LAST_YEAR.read_bytes()))
    other = Partnership.objects.create(name="Safer Brent (upload test)")
    stranger = get_user_model().objects.create_user("brent-admin")
    with partnership_scope(other):
        council = Organisation.objects.create(partnership=other, name="Brent Council")
    Membership.objects.create(user=stranger, partnership=other, organisation=council,
                              roles=["admin"])  # fmt: skip
    brent = client_for("brent-admin")
    assert brent.get(f"/plans/import/{upload_id}/").status_code == 404
    assert brent.post(f"/plans/import/{upload_id}/confirm/").status_code == 404
    assert brent.post(f"/plans/import/{upload_id}/cancel/").status_code == 404
    assert client_for("board").get(f"/plans/import/{upload_id}/").status_code == 403
    assert client_for("board").post(f"/plans/import/{upload_id}/confirm/").status_code == 403
    assert client_for("police-lead").post(f"/plans/import/{upload_id}/cancel/").status_code == 403
    assert len(_kept(data)) == 1
    with partnership_scope(demo_partnership()):
        assert not StrategyYear.objects.filter(label="2018/19").exists()
