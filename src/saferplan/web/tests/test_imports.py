"""Imports from the browser: uploads bounded and checked, run as jobs, shown with their
progress, errors (file, row, column) and provenance; jobs are the partnership's own."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from saferplan.accounts.models import Membership, Organisation, Partnership
from saferplan.datastore.models import ImportRecord
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor
from saferplan.jobs.runner import execute
from saferplan.jobs.worker import WorkerProcess
from saferplan.plans.demo import demo_partnership, load_demo_partnership

pytestmark = pytest.mark.django_db

HARROW = Path(__file__).resolve().parents[2] / "demo/data/police_uk/harrow-2018-06-street.csv"
PUBLISHED = (
    "indicator,area,period,value\n"
    "first_time_entrants,YOT family,2018-19,221\n"
    "first_time_entrants,London,2018-19,204\n"
)


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    """The demo partnership's users, and a data directory (uploads, warehouse) of the test's."""
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    load_demo_partnership()
    return tmp_path / "data"


def client_for(username: str, **kwargs) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**kwargs)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def upload(client: Client, kind: str, *files: tuple[str, bytes]):  # type: ignore[no-untyped-def]
    chosen = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post("/imports/new/", {"kind": kind, "upload": chosen})


def run_queued_jobs() -> None:
    """Run every queued job here and now, as a worker would (its monitor is not started:
    each job's record is written when it ends)."""
    process = WorkerProcess("test:1", Monitor("test:1"))
    for job in Job.objects.filter(state="queued").order_by("id"):
        execute(job.pk, process)


def only_job() -> Job:
    (job,) = Job.objects.all()
    return job


def test_an_uploaded_police_uk_file_is_imported_by_a_job_and_listed_with_its_sha256(data) -> None:
    content = HARROW.read_bytes()
    analyst = client_for("analyst")
    response = upload(analyst, "police-uk", ("harrow-2018-06-street.csv", content))
    job = only_job()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.arguments["kind"], job.requested_by) == ("import", "police-uk", "analyst")
    assert job.partnership == demo_partnership()
    (kept,) = [Path(p) for p in job.arguments["paths"]]
    assert kept.name == "harrow-2018-06-street.csv" and kept.read_bytes() == content
    assert kept.parent.parent == data.resolve() / "uploads"  # a folder of its own, in the data
    queued = analyst.get(f"/jobs/{job.pk}/").content.decode()
    assert "Queued" in queued and 'id="job-progress"' in queued and "Cancel this job" in queued

    run_queued_jobs()
    assert not kept.parent.exists()  # imported: the upload's folder is removed
    page = analyst.get(f"/jobs/{job.pk}/").content.decode()
    assert "Succeeded" in page and "harrow-2018-06-street.csv" in page
    assert str(data) not in page  # the server's folders are not shown
    listed = analyst.get("/imports/").content.decode()
    rows = content.decode("utf-8").strip().count("\n")  # every line but the header
    assert hashlib.sha256(content).hexdigest() in listed
    assert "harrow-2018-06-street.csv" in listed and f"{rows:,}" in listed
    assert str(data) not in listed
    # Open data for everyone: the record is no partnership's, though a partnership's job made it.
    record = ImportRecord.objects.get()
    assert (record.partnership, record.imported_by, record.rows_read) == (None, "analyst", rows)


def test_the_progress_endpoint_gives_the_state_from_the_server(data) -> None:
    analyst = client_for("analyst")
    upload(analyst, "police-uk", ("harrow-2018-06-street.csv", HARROW.read_bytes()))
    job = only_job()
    before = analyst.get(f"/jobs/{job.pk}/progress.json")
    assert before["Content-Type"] == "application/json" and before["Cache-Control"] == "no-store"
    assert json.loads(before.content)["state"] == "queued"
    assert json.loads(before.content)["started_at"] is None
    run_queued_jobs()
    after = json.loads(analyst.get(f"/jobs/{job.pk}/progress.json").content)
    assert (after["state"], after["finished"], after["percent"], after["phase"]) == (
        "succeeded", True, 100.0, "done")  # fmt: skip
    assert after["rows"] == ImportRecord.objects.get().rows_kept
    job.refresh_from_db()  # when it ran, for a watcher to tell how long (benchmarks/load.py)
    assert (after["started_at"], after["finished_at"]) == (
        job.started_at.isoformat(), job.finished_at.isoformat())  # fmt: skip


def test_a_bad_file_shows_its_file_row_and_column_and_stores_nothing(data) -> None:
    lines = HARROW.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace("2018-06", "2018-13", 1)  # the file's third line
    analyst = client_for("analyst")
    upload(analyst, "police-uk", ("bad-street.csv", "\n".join(lines).encode()))
    run_queued_jobs()
    job = only_job()
    assert job.state == "failed"
    page = analyst.get(f"/jobs/{job.pk}/").content.decode()
    assert "govuk-error-summary" in page and "Nothing was stored" in page
    assert "<strong>bad-street.csv</strong>, row 3, column ‘Month’" in page
    assert "is not a month" in page and str(data) not in page
    assert not ImportRecord.objects.exists()
    assert not list((data / "warehouse").rglob("*.parquet"))
    assert not Path(job.arguments["uploaded"]).exists()  # refused: to be uploaded again


@override_settings(UPLOAD_MAX_FILE_BYTES=10_000)
def test_a_file_larger_than_the_limit_is_refused_and_nothing_is_kept(data) -> None:
    response = upload(client_for("analyst"), "police-uk", ("big-street.csv", HARROW.read_bytes()))
    assert response.status_code == 400
    page = response.content.decode()
    assert "big-street.csv is larger than 0 MB, the most one file may be" in page
    assert not Job.objects.exists()
    assert not (data / "uploads").exists() or not any((data / "uploads").iterdir())


@override_settings(UPLOAD_MAX_REQUEST_BYTES=150_000)
def test_files_together_larger_than_the_request_limit_are_refused(data) -> None:
    half = HARROW.read_bytes()  # about 190 KB: each file alone is allowed
    assert len(half) > 150_000 / 2
    response = upload(client_for("analyst"), "police-uk", ("a-street.csv", half[: len(half) // 2]),
                      ("b-street.csv", half[len(half) // 2 :]))  # fmt: skip
    assert response.status_code == 400
    assert "the most one upload may hold" in response.content.decode()
    assert not Job.objects.exists()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("member", ["../2018-06-evil-street.csv", "2018-06/../../x-street.csv",
                                    "/etc/x-street.csv", "..\\..\\x-street.csv", "C:/x-street.csv"])  # fmt: skip
def test_a_zip_with_a_member_named_outside_its_folder_is_refused(data, member: str) -> None:
    archive = _zip({"2018-06/fine-street.csv": HARROW.read_bytes(), member: b"x"})
    response = upload(client_for("analyst"), "police-uk", ("archive.zip", archive))
    assert response.status_code == 400
    assert "is named outside the archive&#x27;s folder" in response.content.decode()
    assert not Job.objects.exists()


def test_a_zip_of_good_members_is_kept_and_imported(data) -> None:
    archive = _zip({"2018-06/2018-06-metropolitan-street.csv": HARROW.read_bytes()})
    assert upload(client_for("analyst"), "police-uk", ("2018-06.zip", archive)).status_code == 302
    run_queued_jobs()
    assert only_job().state == "succeeded"
    record = ImportRecord.objects.get()
    assert record.sha256 == hashlib.sha256(HARROW.read_bytes()).hexdigest()
    page = client_for("analyst").get("/imports/").content.decode()
    assert "2018-06/2018-06-metropolitan-street.csv" in page and "in 2018-06.zip" in page


def test_a_youth_justice_kind_is_refused_to_an_analyst_and_offered_to_practitioners(data) -> None:
    analyst = client_for("analyst")
    form = analyst.get("/imports/new/").content.decode()
    assert 'value="police-uk"' in form and 'value="yj-comparators"' not in form
    response = upload(analyst, "yj-comparators", ("published.csv", PUBLISHED.encode()))
    assert response.status_code == 400 and "Select one of the kinds listed" in (
        response.content.decode())  # fmt: skip
    assert not Job.objects.exists()
    yot = client_for("yot")
    offered = yot.get("/imports/new/").content.decode()
    assert 'value="yj-comparators"' in offered and 'value="police-uk"' not in offered
    assert upload(yot, "yj-comparators", ("published.csv", PUBLISHED.encode())).status_code == 302
    run_queued_jobs()
    assert ImportRecord.objects.get().partnership == demo_partnership()  # restricted: its own
    # Their restricted provenance is not shown to an analyst, whose open data would be.
    assert "published.csv" in yot.get("/imports/").content.decode()
    assert "published.csv" not in analyst.get("/imports/").content.decode()
    assert client_for("board").get("/imports/new/").status_code == 403


def _other_partnership_analyst() -> Client:
    other = Partnership.objects.create(name="Safer Brent (test)", areas=["Brent"])
    org = Organisation.objects.create(partnership=other, name="Brent Council", kind="council")
    user = get_user_model().objects.create_user("brent-analyst", password="x" * 12)
    Membership.objects.create(user=user, partnership=other, organisation=org,
                              roles=["analyst", "youth_justice"])  # fmt: skip
    return client_for("brent-analyst")


def test_another_partnership_gets_404_for_the_job_and_does_not_see_the_import(data) -> None:
    yot = client_for("yot")
    upload(yot, "yj-comparators", ("harrow-published.csv", PUBLISHED.encode()))
    run_queued_jobs()
    job = only_job()
    theirs = _other_partnership_analyst()
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/progress.json", f"/jobs/{job.pk}/cancel/"):
        assert theirs.get(url).status_code == 404, url
    assert theirs.post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert "harrow-published.csv" not in theirs.get("/imports/").content.decode()
    assert f"/jobs/{job.pk}/" not in theirs.get("/jobs/").content.decode()
    assert "harrow-published.csv" in yot.get("/imports/").content.decode()  # seen at home


def test_the_starter_or_an_admin_cancels_a_job_others_cannot(data) -> None:
    upload(client_for("analyst"), "police-uk", ("harrow-street.csv", HARROW.read_bytes()))
    job = only_job()
    other_analyst = get_user_model().objects.create_user("analyst2", password="x" * 12)
    Membership.objects.create(user=other_analyst, partnership=demo_partnership(),
                              organisation=Organisation.objects.first(), roles=["analyst"])  # fmt: skip
    assert client_for("analyst2").get(f"/jobs/{job.pk}/").status_code == 200  # may see it
    assert client_for("analyst2").post(f"/jobs/{job.pk}/cancel/").status_code == 403
    assert client_for("yot").post(f"/jobs/{job.pk}/cancel/").status_code == 403
    strict = client_for("analyst", enforce_csrf_checks=True)
    assert strict.post(f"/jobs/{job.pk}/cancel/").status_code == 403  # no CSRF token
    job.refresh_from_db()
    assert job.state == "queued"
    done = client_for("analyst").post(f"/jobs/{job.pk}/cancel/", follow=True)
    job.refresh_from_db()
    assert job.state == "cancelled" and job.cancel_requested_by == "analyst"
    assert not Path(job.arguments["uploaded"]).exists()  # never to run: its files go
    assert "Nothing was stored" in done.content.decode()
    run_queued_jobs()
    assert not ImportRecord.objects.exists()
    again = client_for("admin").post(f"/jobs/{job.pk}/cancel/", follow=True)
    assert "has already finished" in again.content.decode()


def test_the_imports_page_filters_by_kind_who_and_dates(data) -> None:
    upload(client_for("analyst"), "police-uk", ("harrow-street.csv", HARROW.read_bytes()))
    upload(client_for("yot"), "yj-comparators", ("published.csv", PUBLISHED.encode()))
    run_queued_jobs()
    admin = client_for("admin")
    both = admin.get("/imports/").content.decode()
    assert "harrow-street.csv" in both and "published.csv" in both
    by_kind = admin.get("/imports/?kind=police-uk").content.decode()
    assert "harrow-street.csv" in by_kind and "published.csv" not in by_kind
    by_who = admin.get("/imports/?who=yot").content.decode()
    assert "harrow-street.csv" not in by_who and "published.csv" in by_who
    assert "No imports match" in admin.get("/imports/?until=2000-01-01").content.decode()
    assert "harrow-street.csv" in admin.get("/imports/?since=2000-01-01").content.decode()
    bad = admin.get("/imports/?since=2026-13-01")
    assert bad.status_code == 400 and "Enter a real date" in bad.content.decode()


def test_the_jobs_page_lists_the_partnerships_jobs_that_the_user_may_see(data) -> None:
    upload(client_for("analyst"), "police-uk", ("harrow-street.csv", HARROW.read_bytes()))
    upload(client_for("yot"), "yj-comparators", ("published.csv", PUBLISHED.encode()))
    police, published = Job.objects.order_by("id")
    admin = client_for("admin").get("/jobs/").content.decode()
    assert f"/jobs/{police.pk}/" in admin and f"/jobs/{published.pk}/" in admin
    analyst = client_for("analyst").get("/jobs/").content.decode()
    assert f"/jobs/{police.pk}/" in analyst and f"/jobs/{published.pk}/" not in analyst
    assert client_for("analyst").get(f"/jobs/{published.pk}/").status_code == 403


def test_two_files_of_one_name_are_refused(data) -> None:
    response = upload(client_for("analyst"), "police-uk", ("a/x-street.csv", b"1"),
                      ("b/x-street.csv", b"2"))  # fmt: skip
    assert response.status_code == 400
    assert "Two files are both called x-street.csv" in response.content.decode()


def test_the_command_lines_options_reach_the_import(data) -> None:
    analyst = client_for("analyst")
    chosen = SimpleUploadedFile("estimates.csv", b"area_code,area_name,year,age_band,population\n")
    response = analyst.post("/imports/new/", {"kind": "population", "upload": [chosen],
                                              "name": "Harrow 2019", "year": "2019", "crs": ""})  # fmt: skip
    assert response.status_code == 302
    assert only_job().arguments["options"] == {"name": "Harrow 2019", "year": 2019}
    again = SimpleUploadedFile("estimates.csv", b"x\n")
    bad = analyst.post("/imports/new/", {"kind": "population", "upload": [again], "year": "twenty"})
    assert bad.status_code == 400 and "Enter a year, like 2019" in bad.content.decode()


@pytest.mark.parametrize(("sent", "kept"), [
    ("..\\..\\windows\\evil-street.csv", "evil-street.csv"), ("../../etc/passwd", "passwd"),
    ("/abs/x.csv", "x.csv"), ("...hidden.csv", "hidden.csv"), ("..", "file"),
    ("Café crime (June) .csv", "Caf_crime_June_.csv"), ("a" * 300 + ".csv", "a" * 116 + ".csv"),
])  # fmt: skip
def test_a_kept_file_is_named_by_its_cleaned_base_name_only(sent: str, kept: str) -> None:
    from saferplan.web.uploads import clean_name

    assert clean_name(sent) == kept


def test_a_large_upload_goes_through_the_data_directory_only(data, settings) -> None:
    """Past Django's in-memory size an upload arrives in a temporary file: in the data
    directory too, moved (not copied) into the upload's folder."""
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).is_relative_to(settings.DATA_DIR)
    header, body = HARROW.read_bytes().split(b"\n", 1)
    content = header + b"\n" + body * 15
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    incoming = Path(settings.FILE_UPLOAD_TEMP_DIR)
    before = set(incoming.iterdir())
    upload(client_for("analyst"), "police-uk", ("large-street.csv", content))
    (kept,) = [Path(p) for p in only_job().arguments["paths"]]
    assert kept.is_relative_to(data.resolve() / "uploads") and kept.read_bytes() == content
    assert set(incoming.iterdir()) == before  # nothing left behind
    run_queued_jobs()
    assert ImportRecord.objects.get().sha256 == hashlib.sha256(content).hexdigest()


def test_an_uploads_folder_is_kept_while_its_job_may_run_again(data, tmp_path: Path) -> None:
    """A worker stopping puts the job back on the queue: its files must still be there;
    and nothing outside the data directory's uploads is ever removed."""
    from saferplan.jobs.kinds import remove_upload

    upload(client_for("analyst"), "police-uk", ("harrow-street.csv", HARROW.read_bytes()))
    job = only_job()
    process = WorkerProcess("test:1", Monitor("test:1"))
    process.stopping.set()  # as when the worker is told to stop mid-job
    assert execute(job.pk, process) == "queued"
    assert Path(job.arguments["uploaded"]).is_dir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (data / "warehouse").mkdir(exist_ok=True)
    remove_upload(str(elsewhere))
    remove_upload(str(data / "uploads" / ".." / "warehouse"))
    assert elsewhere.is_dir() and (data / "warehouse").is_dir()
