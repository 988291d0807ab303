"""Web app latency under load: 50 signed-in users on loopback, on PostgreSQL and SQLite,
optionally while a police.uk import job runs (issue #12: every page p95 < 150 ms).

    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 30]
        [--database sqlite|postgres|both] [--during-import] [--import-rows 1000000]
        [--pg-database saferplan_bench]

For each database: a fresh database with the demo partnership and its youth justice
service, then ``saferplan serve``
(gunicorn and its jobs worker, as people run it) on 127.0.0.1. Each simulated user signs in
as one of the demo roles and requests the pages that role may see in turn, with think time,
for a bounded time. With ``--during-import`` the analyst uploads a generated police.uk CSV
through /imports/new/ (a real multipart POST) before the window opens, and again as soon as
its job runs, so that one job always waits behind the running one in the worker; the script
says for what share of the window an import job ran. Prints p50/p95/p99 and
PASS/FAIL against 150 ms p95 per page, against a named baseline measured in the same run: a
static file through the same server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_server import Server, User, database_env, load_demo
from policeuk_data import write_police_uk_csv

TARGET_MS = 150.0
BASELINE = "baseline: static file"
PLAN_READERS = ("admin", "analyst", "police-lead", "council-lead", "board")
EVERYONE = (*PLAN_READERS, "yot")
IMPORTERS = ("admin", "analyst", "yot")
# (page, URL, the demo roles that may see it)
PAGES = [
    ("home", "/", EVERYONE),
    ("plan", "/plans/{year}/", PLAN_READERS),
    ("overdue", "/plans/{year}/overdue/", PLAN_READERS),
    ("by organisation", "/plans/{year}/by-organisation/", PLAN_READERS),
    ("action", "/actions/{action}/", PLAN_READERS),
    ("youth justice", "/youth-justice/", ("admin", "yot")),
    ("documents", "/editions/", EVERYONE),
    ("imports", "/imports/", IMPORTERS),
    ("jobs", "/jobs/", IMPORTERS),
    (BASELINE, "/static/saferplan.css", EVERYONE),
]


@dataclass
class ImportWindow:
    """The import jobs run during the measurement: when each ran (seconds since the epoch)."""

    jobs: list[int] = field(default_factory=list)
    running: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def covered(self, start: float, end: float) -> float:
        """Share of [start, end] during which an import job ran."""
        total = 0.0
        for a, b in self.running:
            total += max(0.0, min(b, end) - max(a, start))
        return total / (end - start)


def keep_importing(
    port: int, csv_path: Path, until: threading.Event, seen: ImportWindow, started: threading.Event
) -> None:
    """Upload ``csv_path`` as the analyst, and again as soon as its job runs, so that one job
    is always queued behind the running one; note when each job ran, as the server says
    (its started and finished times, on this machine's clock)."""
    analyst = User(port)
    analyst.sign_in("analyst")
    pending: list[int] = []  # uploaded, not yet seen finished
    while not until.is_set() and not seen.errors:
        if len(pending) < 2:
            pending.append(analyst.upload("police-uk", distinct_copy(csv_path, len(seen.jobs))))
            seen.jobs.append(pending[-1])
        for job_id in list(pending):
            job = analyst.job(job_id)
            if job["started_at"]:
                started.set()
            if job["finished"]:
                pending.remove(job_id)
                seen.running.append((_epoch(job["started_at"]), _epoch(job["finished_at"])))
                if job["state"] != "succeeded":
                    seen.errors.append(f"job {job_id} {job['state']} (see /jobs/{job_id}/)")
        time.sleep(0.2)
    for job_id in pending:  # the one running as the window closed
        job = analyst.job(job_id)
        if job["started_at"]:
            seen.running.append((_epoch(job["started_at"]), time.time()))
    started.set()


def distinct_copy(csv_path: Path, n: int) -> Path:
    """The CSV with one more anti-social behaviour row (no crime ID) per earlier upload, so
    each upload is a new file: the same bytes twice are recognised as already imported and
    would do almost no work, leaving the window without a running import."""
    folder = csv_path.parent / f"upload-{n}"
    folder.mkdir(exist_ok=True)
    copy = folder / csv_path.name
    shutil.copyfile(csv_path, copy)
    with open(csv_path, encoding="utf-8") as source:
        next(source)
        extra = next(line for line in source if line.startswith(","))
    with open(copy, "a", encoding="utf-8") as out:
        out.write(extra * (n + 1))
    return copy


def _epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


def warm_up(sessions: list[tuple[User, list[str]]], pages: dict, workers: int) -> None:
    """Every page a few times per web server process before the window: a process's first
    request of a page imports its modules and opens the warehouse, once in its life."""
    for user, names in sessions[: len(EVERYONE)]:
        for name in names:
            for _ in range(2 * workers):
                user.request("GET", pages[name][0])


def measure(
    port: int, ids: dict[str, str], args: argparse.Namespace
) -> tuple[dict, list, float, tuple[float, float]]:
    pages = {name: (url.format(**ids), roles) for name, url, roles in PAGES}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    errors: list[str] = []
    lock = threading.Lock()
    # Sign everyone in first: password hashing is deliberately slow (PBKDF2), and 50
    # sign-ins at once would otherwise be what the page timings measure.
    sessions: list[tuple[User, list[str]]] = []
    for n in range(args.users):
        role = EVERYONE[n % len(EVERYONE)]
        user = User(port)
        user.sign_in(role)
        sessions.append((user, [name for name, (_, roles) in pages.items() if role in roles]))
    warm_up(sessions, pages, args.workers)
    deadline = time.perf_counter() + args.seconds

    def run(n: int) -> None:
        user, names = sessions[n]
        pause = random.Random(n)
        time.sleep(pause.uniform(0, args.think[1]))  # users arrive spread out
        i = n
        while time.perf_counter() < deadline:
            name = names[i % len(names)]
            i += 1
            try:
                status, _, elapsed, _ = user.request("GET", pages[name][0])
            except Exception as exc:
                with lock:
                    errors.append(f"{name}: {exc}")
                continue
            with lock:
                if status != 200:
                    errors.append(f"{name}: HTTP {status}")
                timings[name].append(elapsed)
            if args.think[1] > 0:
                time.sleep(pause.uniform(*args.think))

    start, opened = time.perf_counter(), time.time()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors, time.perf_counter() - start, (opened, time.time())


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def report(database: str, timings: dict, errors: list, wall: float, args) -> bool:
    think = f"think time {args.think[0]:g}-{args.think[1]:g} s" if args.think[1] else "no pauses"
    print(
        f"\n{database}: {args.users} signed-in users ({think}), {args.seconds:.0f} s, "
        f"saferplan serve ({args.workers} workers x {args.threads or 'default'} threads), "
        f"loopback ({os.cpu_count()} cores), load average {os.getloadavg()[0]:.1f}:"
    )
    print(f"  {'page':<24}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  p95 < 150 ms")
    every: list[float] = []
    passed = True
    for name, values in timings.items():
        verdict = ""
        if name != BASELINE:
            every += values
            ok = pct(values, 95) < TARGET_MS
            passed &= ok
            verdict = "PASS" if ok else "FAIL"
        print(
            f"  {name:<24}{len(values):>9}{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}"
            f"{pct(values, 99):>9.1f}  {verdict}"
        )
    print(
        f"  {'all pages':<24}{len(every):>9}{pct(every, 50):>9.1f}{pct(every, 95):>9.1f}"
        f"{pct(every, 99):>9.1f}"
    )
    print(
        f"  throughput {sum(len(v) for v in timings.values()) / wall:.0f} requests/s; "
        f"errors {len(errors)}{': ' + '; '.join(errors[:5]) if errors else ''}"
    )
    print(
        f"  ratio, page p95 / static-file p95: {pct(every, 95) / pct(timings[BASELINE], 95):.1f}x;"
        f" every page p95 < 150 ms: {'PASS' if passed and not errors else 'FAIL'}"
    )
    return passed and not errors


def load_youth_justice() -> None:
    """The demo's youth justice service, as ``saferplan demo`` loads it: the synthetic
    cohort and 10-17 population (found by the borough populations), so the youth justice
    dashboard shows its figures and charts rather than "no extract has been imported"."""
    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.datastore.importing import run_import
    from saferplan.demo.load import YEARLY
    from saferplan.plans.demo import demo_partnership
    from saferplan.youthjustice.demo import load_demo_youth_justice

    with across_partnerships():
        options = {"name": "ONS mid-year estimates, London boroughs"}
        run_import("population", (YEARLY,), options=options, user="demo")
        load_demo_youth_justice(demo_partnership())


def run_database(database: str, args: argparse.Namespace, csv_path: Path | None) -> bool:
    env = database_env(database, args.pg_database)
    ids = load_demo(env)
    setup = "from saferplan.site.bootstrap import setup_django; setup_django(); "
    subprocess.run(
        [sys.executable, "-c", setup + "from load import load_youth_justice; load_youth_justice()"],
        check=True, env={**env, "PYTHONPATH": str(Path(__file__).resolve().parent)},
    )  # fmt: skip
    with Server(env, args.workers, args.threads) as server:
        until, started, seen = threading.Event(), threading.Event(), ImportWindow()
        importer = None
        if csv_path is not None:
            importer = threading.Thread(
                target=keep_importing, args=(server.port, csv_path, until, seen, started)
            )
            importer.start()
            if not started.wait(300):
                raise SystemExit("the import job did not start within 5 minutes")
        timings, errors, wall, window = measure(server.port, ids, args)
        if importer is not None:
            until.set()
            importer.join()
    passed = report(database, timings, errors + seen.errors, wall, args)
    if csv_path is not None:
        share = seen.covered(*window)
        print(
            f"  during import: {len(seen.jobs)} police.uk upload(s) of {args.import_rows:,} "
            f"rows (jobs {seen.jobs[0]}-{seen.jobs[-1]}); an import job ran during "
            f"{share:.0%} of the window: "
            f"{'the whole window' if share >= 0.95 else 'NOT the whole window'}"
        )
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="gunicorn threads per worker (default: saferplan serve's)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--during-import",
        action="store_true",
        help="keep a police.uk import job running during the measurement",
    )
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--pg-database",
        default="saferplan_bench",
        help="the PostgreSQL database to create afresh (each person running this at the "
        "same time on one server needs their own)",
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds a user reads a page before the next (as locust's between(1, 3)); "
        "0 0 for a stress test with no pauses",
    )
    args = parser.parse_args()
    csv_path = None
    if args.during_import:
        csv_path = Path(tempfile.mkdtemp(prefix="saferplan-load-")) / "2018-metropolitan-street.csv"
        write_police_uk_csv(csv_path, args.import_rows)
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average at start "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run_database(database, args, csv_path) for database in databases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
