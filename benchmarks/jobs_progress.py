"""A 2-million-row police.uk import run as a background job, as a progress page sees it.

    .venv/bin/python benchmarks/jobs_progress.py [--rows 2000000] [--files 1,500] [--postgres]

For each shape (the rows in one file; the same rows in N files, as police.uk archives hold
them) this makes a fresh data directory and database (SQLite in it, or with --postgres a
new database on the server scripts/postgres.sh starts), queues an import job, starts
`saferplan worker`, and polls the job's record every 0.1 s from this process, as a page's
progress bar would. It reports, against the baseline of the same import by `run_import`
alone in a fresh process (no job, no worker):
  - the import's time as a job (started to finished, on the database's clock);
  - updates of the job's status seen (each stamps a new heartbeat), and per second;
  - the longest the page went without any update, and without a change of progress.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import LIBRARY_SCRIPT
from policeuk_data import write_police_uk_csv

PYTHON = sys.executable
POLL = 0.1  # a page polling ten times a second: fine enough to time the gaps
ROOT = Path(__file__).resolve().parent.parent


def fresh_database(postgres: bool, name: str) -> dict[str, str]:
    """The environment for a new, empty database: SQLite in the data directory, or a new
    PostgreSQL database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if not postgres:
        return env
    script = ROOT / "scripts" / "postgres.sh"
    url = subprocess.run([str(script)], check=True, capture_output=True, text=True).stdout
    server = url.strip().splitlines()[-1].rsplit("/", 1)[0]
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", f"{server}/postgres", "-qc", sql],
            check=True,
            env={**env, "PGPASSWORD": "saferplan"},
        )
    return {**env, "DATABASE_URL": f"{server}/{name}"}


def split(csv_path: Path, files: int, out: Path) -> Path:
    """The rows of ``csv_path`` in ``files`` files (each with the header), in ``out``."""
    out.mkdir(parents=True)
    with open(csv_path, "rb") as source:
        header = source.readline()
        rows = source.readlines()
    per = -(-len(rows) // files)
    for i in range(files):
        (out / f"part-{i:04d}-street.csv").write_bytes(
            header + b"".join(rows[i * per : (i + 1) * per])
        )
    return out


def baseline(path: Path, data: Path, env: dict[str, str]) -> float:
    env = {**env, "SAFERPLAN_DATA": str(data)}
    done = subprocess.run(
        [PYTHON, "-c", LIBRARY_SCRIPT, str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def as_job(path: Path, data: Path, env: dict[str, str]) -> dict[str, float]:
    """Run the import as a job in a worker process, watching its record; the figures."""
    script = f"""
import os, sys, time, json, subprocess
os.environ["SAFERPLAN_DATA"] = {str(data)!r}
from saferplan.site.bootstrap import setup_django
setup_django()
from saferplan.accounts.tenancy import across_partnerships
from saferplan.jobs.queue import enqueue, status
with across_partnerships():
    job = enqueue("import", {{"kind": "police-uk", "paths": [{str(path)!r}]}}, requested_by="bench")
    worker = subprocess.Popen([sys.executable, "-m", "saferplan", "worker"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = []  # (time, heartbeat, progress) at each change of the record
    last = None
    while True:
        page = status(job.pk)  # what a JSON endpoint would answer
        row = (page["state"], page["heartbeat_at"], page["phase"], page["percent"], page["rows"])
        now = time.monotonic()
        if row[0] == "running" and row != last:
            seen.append((now, row[1], row[2:]))
            last = row
        if page["finished"]:
            break
        time.sleep({POLL})
    end = time.monotonic()
    worker.terminate(); worker.wait()
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    assert seen, "the page never saw the job running"
    writes = [t for i, (t, beat, _) in enumerate(seen) if i == 0 or beat != seen[i - 1][1]]
    changes = [t for i, (t, _, p) in enumerate(seen) if i == 0 or p != seen[i - 1][2]]
    gap = lambda ts: max(b - a for a, b in zip(ts, ts[1:] + [end]))
    print(json.dumps({{
        "seconds": (job.finished_at - job.started_at).total_seconds(),
        "writes": len(writes),
        "write_gap": gap(writes),
        "progress_gap": gap(changes),
    }}))
"""
    done = subprocess.run(
        [PYTHON, "-c", script], check=True, capture_output=True, text=True, env=env
    )
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--files", default="1,500", help="shapes: how many files hold the rows")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="saferplan-bench-jobs-"))
    try:
        csv_path = work / "2018-metropolitan-street.csv"
        print(f"Generating {args.rows:,} police.uk rows…", flush=True)
        write_police_uk_csv(csv_path, args.rows)
        print(f"  {csv_path.stat().st_size / 1e6:,.0f} MB")
        for files in (int(n) for n in args.files.split(",")):
            path = csv_path if files == 1 else split(csv_path, files, work / f"in-{files}")
            db = "saferplan_bench_jobs"
            alone, runs = [], []
            for i in range(args.repeat):  # alternated, as the machine is shared
                env = fresh_database(args.postgres, db)
                alone.append(baseline(path, work / f"a-{files}-{i}", env))
                env = fresh_database(args.postgres, db)
                runs.append(as_job(path, work / f"b-{files}-{i}", env))
            job = min(runs, key=lambda r: r["seconds"])
            worst_gap = max(r["write_gap"] for r in runs)
            print(
                f"\n{args.rows:,} rows in {files} file(s), best of {args.repeat}, "
                f"{'PostgreSQL' if args.postgres else 'SQLite'}:\n"
                f"  baseline: run_import alone (fresh process)   {min(alone):6.2f} s\n"
                f"  as a job in a worker (started to finished)   {job['seconds']:6.2f} s\n"
                f"  status updates seen by the page              {job['writes']:6d}"
                f"  ({job['writes'] / job['seconds']:.1f} a second)\n"
                f"  longest wait for any update, worst run       {worst_gap:6.2f} s\n"
                f"  longest wait for a change of progress        {job['progress_gap']:6.2f} s",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
