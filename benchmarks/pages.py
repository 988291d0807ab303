"""Each page's own time and queries in one process, against another code tree in the same run.

    .venv/bin/python benchmarks/pages.py [--repeat 30] [--baseline ../main/src]
        [--database sqlite|postgres] [--pg-database saferplan_pages]

What a page costs the server, apart from queueing behind other requests (which
benchmarks/load.py measures, and which a busy machine dominates): the demo partnership
(and its youth justice service: the synthetic cohort and population, as ``saferplan demo``
loads them) on SQLite or PostgreSQL in a fresh database, each page requested through
Django's test client as the role that sees it, after one request to warm it, ``--repeat``
times; prints the median and the 90th percentile milliseconds and the queries of one
request. With ``--baseline`` the same runs first with that source tree on the path (e.g. a
checkout of main's src/), then with this one; the load average is printed with each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_server import database_env

HERE = Path(__file__).resolve().parent

PROBE = r"""
import json, sys, time
from saferplan.site.bootstrap import setup_django
setup_django()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from saferplan.accounts.tenancy import across_partnerships
from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action, StrategyYear
from load import load_youth_justice

setup_test_environment()
with across_partnerships():
    load_demo_partnership()
    load_youth_justice()
    year = StrategyYear.objects.get().pk
    action = Action.objects.order_by("pk").first().pk
pages = json.loads(sys.argv[1])
repeat = int(sys.argv[2])
clients, found = {}, {}
for name, url, who in pages:
    if who not in clients:
        clients[who] = Client()
        clients[who].force_login(get_user_model().objects.get(username=who))
    client, url = clients[who], url.format(year=year, action=action)
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the next request's start clears the connection's log
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    found[name] = {"times": times, "queries": count}
print(json.dumps(found))
"""

PAGES = [
    ("home", "/", "analyst"),
    ("plan", "/plans/{year}/", "analyst"),
    ("overdue", "/plans/{year}/overdue/", "analyst"),
    ("by organisation", "/plans/{year}/by-organisation/", "analyst"),
    ("action", "/actions/{action}/", "analyst"),
    ("youth justice", "/youth-justice/", "yot"),
    ("documents", "/editions/", "analyst"),
    ("imports", "/imports/", "analyst"),
    ("jobs", "/jobs/", "analyst"),
]


def run(source: str | None, repeat: int, database: str, pg_database: str) -> tuple[dict, float]:
    env = database_env(database, pg_database)
    paths = [str(Path(source).resolve())] if source else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(HERE)])
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(PAGES), str(repeat)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1]), os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--baseline", help="another source tree (its src/), run first")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--pg-database", default="saferplan_pages", help="the PostgreSQL database to create"
    )
    args = parser.parse_args()
    where = (args.database, args.pg_database)
    base = run(args.baseline, args.repeat, *where) if args.baseline else None
    mine = run(None, args.repeat, *where)

    def cells(found: dict) -> str:
        times = found["times"]
        p90 = statistics.quantiles(times, n=10)[-1]
        return f"{statistics.median(times):>9.1f}{p90:>9.1f}{found['queries']:>8}"

    head = f"  {'page':<18}{'p50 ms':>9}{'p90 ms':>9}{'queries':>8}"
    if base:
        print(f"{args.database}: baseline {args.baseline} (load average {base[1]:.1f}) | this tree "
              f"(load average {mine[1]:.1f}) | ratio of medians, baseline / this tree")  # fmt: skip
        print(head + " |" + head[20:] + " |   ratio")
    else:
        print(f"this tree (load average {mine[1]:.1f}), {os.cpu_count()} cores, {args.database}")
        print(head)
    for name, _, _ in PAGES:
        line = f"  {name:<18}"
        if base:
            ratio = statistics.median(base[0][name]["times"]) / statistics.median(
                mine[0][name]["times"]
            )
            line += cells(base[0][name]) + " |" + cells(mine[0][name]) + f" |{ratio:>7.1f}x"
        else:
            line += cells(mine[0][name])
        print(line)


if __name__ == "__main__":
    main()
