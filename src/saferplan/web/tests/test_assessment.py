"""Building the Strategic Assessment from the app: the form, the job, the builds page."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saferplan.accounts.models import Membership, Organisation
from saferplan.accounts.tenancy import partnership_scope
from saferplan.demo import DATA
from saferplan.editions.models import Edition
from saferplan.editions.tests.samples import editions_in
from saferplan.jobs.context import JobContext
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor
from saferplan.jobs.queue import enqueue
from saferplan.jobs.runner import execute
from saferplan.jobs.worker import WorkerProcess
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from saferplan.reports.jobs import KIND, build_strategic_assessment

pytestmark = pytest.mark.django_db

HARROW_BURGLARY_2018 = {
    "area": "Harrow", "year": "2018", "comparators": "Barnet, Brent, London",
    "edition": "public", "themes": ["burglary"],
}  # fmt: skip


@pytest.fixture
def app_data(demo_warehouse, monkeypatch, tmp_path) -> Path:
    """The demo partnership over the demo warehouse, its editions kept in the test's folder;
    provenance from the demo's import records (the test database holds none)."""
    from saferplan.reports import build

    load_demo_partnership()
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    records = demo_warehouse.import_records
    monkeypatch.setattr(build, "provenance", lambda ids: build.provenance_from(records, ids))
    return editions_in(monkeypatch, tmp_path / "editions")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def run_synchronously(job: Job) -> Job:
    """Run a queued job in this thread, as a worker would (no monitor thread)."""
    execute(job.pk, WorkerProcess("test:1", Monitor("test:1")))
    return Job.objects.get(pk=job.pk)


def raw_count(area: str, major: str, months: list[str]) -> int:
    """Crimes of a major category in an area over months, summed from the raw MPS CSV."""
    path = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(
            int(row[month])
            for row in csv.DictReader(f)
            if row["LookUp_BoroughName"] == area and row["MajorText"] == major
            for month in months
        )


def test_the_forms_defaults_come_from_the_partnership_settings(app_data) -> None:
    partnership = demo_partnership()
    partnership.areas, partnership.comparators = ["Havering", "Harrow"], ["Ealing", "London"]
    partnership.save()
    page = client_for("analyst").get("/assessment/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<option value="Havering" selected>', html)
    assert not re.search(r'<option value="Harrow" selected>', html)
    # The partnership's areas first, then the data's boroughs.
    options = re.findall(r'<option value="([^"]+)"', html)
    assert options[:2] == ["Havering", "Harrow"] and "Lambeth" in options
    assert 'name="comparators" type="text" value="Ealing, London"' in html
    assert re.search(r'value="public" checked', html) and not re.search(
        r'value="restricted" checked', html
    )
    themes = re.findall(r'name="themes" type="checkbox" value="([^"]+)"( checked)?', html)
    assert len(themes) > 5 and all(checked for _, checked in themes)
    assert ("burglary", " checked") in themes


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"year": "2031"}, "year", "No crime data by borough for Harrow for 2031"),
        ({"year": "next year"}, "year", "&#x27;next year&#x27; is not a period"),
        ({"comparators": "Barnet, Narnia"}, "comparators", "Narnia"),
        ({"comparators": " , "}, "comparators", "Enter at least one area or group"),
        ({"area": "Atlantis"}, "area", "Select a valid choice"),
        ({"themes": ["no-such-theme"]}, "themes", "Select a valid choice"),
        ({"themes": []}, "themes", "Select at least one theme"),
        ({"edition": "secret"}, "edition", "Select a valid choice"),
    ],
)
def test_a_bad_choice_shows_the_error_summary_and_queues_nothing(
    app_data, change: dict, field: str, message: str
) -> None:
    response = client_for("analyst").post("/assessment/new/", {**HARROW_BURGLARY_2018, **change})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert message in summary and f'href="#id_{field}' in summary
    assert "<title>Error: " in html
    assert not Job.objects.exists()


def test_every_theme_ticked_is_the_clis_default_and_some_are_its_themes_option(app_data) -> None:
    """All ticked: no --themes (themes without figures left out); some: each required."""
    from saferplan.crime.themes import load_themes

    every = list(load_themes().themes)
    analyst = client_for("analyst")
    for themes in (every, every[:2]):
        response = analyst.post("/assessment/new/", {**HARROW_BURGLARY_2018, "themes": themes})
        assert response.status_code == 302
    first, second = Job.objects.order_by("id")
    assert first.arguments["themes"] is None and second.arguments["themes"] == every[:2]


def test_a_build_from_the_app_keeps_an_edition_with_the_areas_figures(app_data) -> None:
    analyst = client_for("analyst")
    response = analyst.post("/assessment/new/", HARROW_BURGLARY_2018)
    assert response.status_code == 302 and response["Location"] == "/assessment/builds/"
    job = Job.objects.get()
    assert (job.kind, job.partnership, job.requested_by) == (KIND, demo_partnership(), "analyst")
    assert job.arguments == {"area": "Harrow", "year": "2018", "edition": "public",
                             "comparators": ["Barnet", "Brent", "London"],
                             "themes": ["burglary"]}  # fmt: skip
    waiting = analyst.get("/assessment/builds/")
    assert waiting["Refresh"] == "2" and "Queued" in waiting.content.decode()

    job = run_synchronously(job)
    assert job.state == "succeeded", job.error
    edition = Edition.objects.get()
    assert job.result["edition"] == edition.pk and job.percent == 100
    assert (edition.built_by_name, edition.period, edition.edition) == ("analyst", "2018", "public")
    assert edition.check_passed
    assert edition.parameters["comparators"] == ["Barnet", "Brent", "London"]
    html = analyst.get(f"/editions/{edition.pk}/document/").content.decode()
    assert "Harrow" in html
    # Harrow's burglaries in 2018, summed from the raw MPS file by month.
    burglaries = raw_count("Harrow", "Burglary", [f"2018{m:02d}" for m in range(1, 13)])
    assert burglaries > 1000 and f"{burglaries:,}" in html

    done = analyst.get("/assessment/builds/")
    assert "Refresh" not in done and f'href="/editions/{edition.pk}/"' in done.content.decode()
    # Board members read it; they neither build nor see the builds.
    board = client_for("board")
    assert board.get(f"/editions/{edition.pk}/").status_code == 200
    assert f"{burglaries:,}" in board.get(f"/editions/{edition.pk}/document/").content.decode()


class RecordingContext(JobContext):
    """A job context that remembers every progress report, in order."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.reports: list[tuple[str, float]] = []

    def progress(self, phase=None, *, percent=None, rows=None) -> None:  # type: ignore[no-untyped-def]
        super().progress(phase, percent=percent, rows=rows)
        now = self.snapshot()
        self.reports.append((now.phase, now.percent))


def test_the_build_reports_its_phases_in_order_with_a_rising_percent(app_data) -> None:
    partnership = demo_partnership()
    arguments = {"area": "Harrow", "year": "2018", "comparators": ["London"],
                 "edition": "restricted", "themes": ["total", "burglary-residential"]}  # fmt: skip
    context = RecordingContext(1, KIND, arguments, partnership=partnership, requested_by="admin")
    with partnership_scope(partnership):
        result = build_strategic_assessment(context, **arguments)
    phases = list(dict.fromkeys(phase for phase, _ in context.reports))
    assert phases == ["computing", "charts", "documents", "checking", "done"]
    percents = [percent for _, percent in context.reports]
    # The bar moves while the images are drawn (one report per image), not only between phases.
    drawing = [percent for phase, percent in context.reports if phase == "charts"]
    assert len(set(drawing)) > 3 and max(drawing) == 70
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    assert Edition.objects.get().pk == result["edition"]


def test_an_unknown_year_fails_the_job_and_keeps_nothing(app_data) -> None:
    job = enqueue(KIND, {**HARROW_BURGLARY_2018, "comparators": ["London"], "year": "2031"},
                  requested_by="analyst", partnership=demo_partnership())  # fmt: skip
    job = run_synchronously(job)
    assert job.state == "failed"
    assert "no crime data by borough for Harrow for 2031" in job.error
    assert not Edition.objects.exists() and not any(app_data.rglob("*.html"))
    page = client_for("analyst").get("/assessment/builds/").content.decode()
    assert "Failed" in page and "no crime data by borough for Harrow for 2031" in page


def test_an_unknown_area_and_an_empty_result_fail_the_job_too(app_data) -> None:
    partnership = demo_partnership()
    area = enqueue(KIND, {"area": "Atlantis", "year": "2018", "comparators": ["London"]},
                   requested_by="analyst", partnership=partnership)  # fmt: skip
    # Anti-social behaviour only, where the data has none: an assessment of no themes.
    empty = enqueue(KIND, {"area": "Havering", "year": "2019", "comparators": ["London"],
                           "themes": ["asb"]}, requested_by="analyst", partnership=partnership)  # fmt: skip
    assert run_synchronously(area).state == "failed"
    assert "Atlantis" in Job.objects.get(pk=area.pk).error
    failed = run_synchronously(empty)
    assert failed.state == "failed" and "would have no themes" in failed.error
    assert "Anti-social behaviour" in failed.error
    assert not Edition.objects.exists() and not any(app_data.rglob("*.html"))


def test_a_board_member_cannot_build_but_can_read_the_editions(app_data) -> None:
    board = client_for("board")
    assert board.get("/assessment/new/").status_code == 403
    assert board.post("/assessment/new/", HARROW_BURGLARY_2018).status_code == 403
    assert board.get("/assessment/builds/").status_code == 403
    assert not Job.objects.exists()
    listing = board.get("/editions/")
    assert listing.status_code == 200 and "/assessment/new/" not in listing.content.decode()
    for builder in ("analyst", "admin"):
        page = client_for(builder).get("/editions/").content.decode()
        assert 'href="/assessment/new/"' in page and "Build a Strategic Assessment" in page


def test_another_partnership_sees_none_of_the_builds(app_data) -> None:
    from saferplan.accounts.management import set_partnership

    job = enqueue(KIND, {**HARROW_BURGLARY_2018, "comparators": ["London"]},
                  requested_by="analyst", partnership=demo_partnership())  # fmt: skip
    run_synchronously(job)
    edition = Edition.objects.get()
    other, _ = set_partnership("Safer Brent (test)", areas=["Brent"], comparators=["London"])
    org = Organisation.objects.create(partnership=other, name="Brent Council", kind="council")
    user = get_user_model().objects.create_user("brent-analyst", password="x" * 12)
    Membership.objects.create(user=user, partnership=other, organisation=org, roles=["analyst"])
    theirs = client_for("brent-analyst")
    page = theirs.get("/assessment/builds/").content.decode()
    assert "No Strategic Assessment has been built" in page and "Harrow" not in page
    assert theirs.get(f"/editions/{edition.pk}/").status_code == 404
    # Their form starts from their own settings.
    form = theirs.get("/assessment/new/").content.decode()
    assert re.search(r'<option value="Brent" selected>', form)


def test_with_no_worker_running_the_page_says_so_and_stops_refreshing(app_data) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from saferplan.accounts.tenancy import across_partnerships

    analyst = client_for("analyst")
    analyst.post("/assessment/new/", HARROW_BURGLARY_2018)
    job = Job.objects.get()

    def queued_ago(seconds: int) -> str:
        Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(seconds=seconds))
        response = analyst.get("/assessment/builds/")
        return response.get("Refresh", "")

    assert queued_ago(1) == "2"
    assert "Waiting for a worker" not in analyst.get("/assessment/builds/").content.decode()
    assert queued_ago(10) == "2"  # a few seconds: said, still refreshing
    page = analyst.get("/assessment/builds/").content.decode()
    assert "Waiting for a worker: none is running" in page and "stopped refreshing" not in page
    assert queued_ago(121) == ""  # the bound: no more refreshing, and the page says why
    page = analyst.get("/assessment/builds/").content.decode()
    assert "this page has stopped refreshing" in page and "refreshes itself" not in page
    # A worker busy with another partnership's job: the build waits its turn, refreshing.
    with across_partnerships():
        Job.objects.create(kind="import", requested_by="x", state="running",
                           heartbeat_at=timezone.now())  # fmt: skip
    assert queued_ago(121) == "2"
    assert "Waiting for a worker" not in analyst.get("/assessment/builds/").content.decode()
