"""A Strategic Assessment queued as the web app queues it, built by a real worker process."""

from __future__ import annotations

import shutil
from pathlib import Path

from saferplan.accounts.tenancy import partnership_scope
from saferplan.datastore.models import ImportRecord
from saferplan.editions.models import Edition
from saferplan.editions.store import folder_of, verify
from saferplan.jobs.models import Job
from saferplan.jobs.queue import enqueue, status
from saferplan.jobs.tests.helpers import Processes, wait_for
from saferplan.plans.demo import demo_partnership, load_demo_partnership
from saferplan.reports.jobs import KIND


def test_a_worker_builds_the_assessment_and_keeps_its_edition(
    processes: Processes, worker_env, demo_warehouse
) -> None:
    """The worker finds the kind, runs it in the partnership's scope over the warehouse in
    its data directory, and the edition it keeps is the partnership's, with its files."""
    data = Path(worker_env["SAFERPLAN_DATA"])
    shutil.copytree(demo_warehouse.root, data / "warehouse")
    ImportRecord.objects.bulk_create(demo_warehouse.import_records)  # the files' provenance
    load_demo_partnership()
    partnership = demo_partnership()
    arguments = {"area": "Harrow", "year": "2018", "comparators": ["Barnet", "London"],
                 "edition": "restricted", "themes": ["burglary"]}  # fmt: skip
    job = enqueue(KIND, arguments, requested_by="analyst", partnership=partnership)
    processes.worker()
    seen = set()

    def finished() -> bool:
        now = status(job.pk)
        seen.add(now["phase"])
        return now["finished"]

    wait_for(finished, timeout=180, every=0.05)
    done = Job.objects.get(pk=job.pk)
    assert done.state == "succeeded", done.error
    assert {"computing", "documents"} <= seen  # its progress reached the page as it went
    with partnership_scope(partnership):
        edition = Edition.objects.get(pk=done.result["edition"])
        assert (edition.title, edition.edition) == (
            "Harrow Strategic Assessment 2018",
            "restricted",
        )
        assert edition.built_by_name == "analyst" and edition.check_passed
        assert verify(edition) == []
        assert (folder_of(edition) / "strategic-assessment.pdf").is_file()
