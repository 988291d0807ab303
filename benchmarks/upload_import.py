"""A 2-million-row police.uk CSV uploaded in the web app and imported by its job, against
the command line's import of the same file (issue #12: within 1.5x).

    .venv/bin/python benchmarks/upload_import.py [--rows 2000000] [--repeat 2]

Each run has a fresh data directory (SQLite in it). The baseline is the whole process
`saferplan import police-uk FILE`. The app's run is a process that signs in the demo
analyst with Django's test client (no network: the request goes through the app's
middleware and upload handlers, so the file is parsed from multipart, bounded, written to
a temporary file in the data directory and moved into the upload's folder), posts the file
to /imports/new/, and then runs the queued job as a worker would, in the same process; it
reports the upload, the job and their sum. A real worker also polls its queue once a
second, which is not counted here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from policeuk_data import write_police_uk_csv

PYTHON = sys.executable

APP_SCRIPT = """
import json, sys, time
from saferplan.site.bootstrap import setup_django
setup_django()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
from saferplan.accounts.tenancy import across_partnerships
from saferplan.jobs.models import Job
from saferplan.jobs.monitor import Monitor
from saferplan.jobs.runner import execute
from saferplan.jobs.worker import WorkerProcess
from saferplan.plans.demo import load_demo_partnership

setup_test_environment()  # the test client's host name is allowed
with across_partnerships():
    load_demo_partnership()
    client = Client()
    client.force_login(get_user_model().objects.get(username="analyst"))
    with open(sys.argv[1], "rb") as chosen:
        started = time.perf_counter()
        response = client.post("/imports/new/", {"kind": "police-uk", "upload": chosen})
        uploaded = time.perf_counter()
    assert response.status_code == 302, response.content[:2000]
    job = Job.objects.get()
    execute(job.pk, WorkerProcess("bench:1", Monitor("bench:1")))
    finished = time.perf_counter()
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
print(json.dumps({"upload": uploaded - started, "job": finished - uploaded,
                  "total": finished - started}))
"""


def cli_import(csv_path: Path, data: Path) -> float:
    env = {**os.environ, "SAFERPLAN_DATA": str(data)}
    env.pop("DATABASE_URL", None)
    migrate = "from saferplan.site.bootstrap import setup_django; setup_django()"
    subprocess.run([PYTHON, "-c", migrate], env=env, check=True)  # not part of the import
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "saferplan", "import", "police-uk", str(csv_path)], env=env,
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def app_import(csv_path: Path, data: Path) -> dict[str, float]:
    env = {**os.environ, "SAFERPLAN_DATA": str(data)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([PYTHON, "-c", APP_SCRIPT, str(csv_path)], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is shown")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="saferplan-bench-upload-"))
    try:
        csv_path = work / "2018-metropolitan-street.csv"
        print(f"Generating {args.rows:,} police.uk rows…", flush=True)
        write_police_uk_csv(csv_path, args.rows)
        print(f"  {csv_path.stat().st_size / 1e6:,.0f} MB", flush=True)
        cli, app = [], []
        for i in range(args.repeat):
            cli.append(cli_import(csv_path, work / f"cli-{i}"))
            app.append(app_import(csv_path, work / f"app-{i}"))
            shutil.rmtree(work / f"cli-{i}")
            shutil.rmtree(work / f"app-{i}")
        best = min(app, key=lambda f: f["total"])
        print(f"command line, saferplan import (process): {min(cli):.1f} s")
        print(f"web app, upload (POST /imports/new/): {best['upload']:.1f} s")
        print(f"web app, the import job: {best['job']:.1f} s")
        print(f"web app, upload and job: {best['total']:.1f} s")
        print(f"ratio, web app / command line: {best['total'] / min(cli):.2f}x (target <= 1.5x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
