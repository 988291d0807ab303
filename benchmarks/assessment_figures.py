"""How long the Strategic Assessment's figures take: ``build_assessment`` alone (every theme
of Harrow against the year before, no drawing, Word or PDF), in this checkout and another.

    .venv/bin/python benchmarks/assessment_figures.py [--baseline SRC] [--year 2018] [--repeat 3]

Loads the bundled data into a throw-away data directory once, then runs ``build_assessment``
``--repeat`` times in a fresh process per tree, one tree after the other (after one warm-up
build each), and prints the best wall and CPU time (this process: DuckDB's threads included) and,
with ``--baseline`` (another checkout's ``src``, e.g. a ``git worktree`` of main), the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"
COMPARATORS = ["Barnet", "Brent", "Ealing", "Hillingdon", "London"]


def measure(year: str, repeat: int) -> None:
    """Run in the child: time the builds, print {"wall": s, "cpu": s} as JSON."""
    from saferplan.crime.themes import load_themes
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.reports.assessment import build_assessment

    book = load_themes()

    def once() -> None:
        build_assessment(Warehouse().connect(), book, "Harrow", year, COMPARATORS)

    once()  # warm the file cache and the imports
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        once()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(json.dumps({"wall": min(walls), "cpu": min(cpus)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--year", default="2018")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.year, args.repeat)
        return
    data = Path(tempfile.mkdtemp(prefix="saferplan-bench-figures-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(data)
    print("Loading the bundled data…", flush=True)
    load = "from saferplan.site.bootstrap import setup_django; setup_django(); "
    load += "from saferplan.demo.load import load_demo; load_demo()"
    subprocess.run([sys.executable, "-c", load], check=True, env={**env, "PYTHONPATH": str(HERE)})
    trees = {"this checkout": HERE, **({"baseline": args.baseline} if args.baseline else {})}
    print(f"load average at the start: {os.getloadavg()}")
    found = {}
    for label, src in trees.items():
        done = subprocess.run(
            [sys.executable, __file__, "--measure", "--year", args.year,
             "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True, env={**env, "PYTHONPATH": str(src)},
        )  # fmt: skip
        got = found[label] = json.loads(done.stdout.splitlines()[-1])
        print(f"  {label:<14} wall {got['wall']:6.2f} s   CPU {got['cpu']:6.2f} s")
    if args.baseline:
        base, mine = found["baseline"], found["this checkout"]
        print(f"  ratio, baseline / this checkout: wall {base['wall'] / mine['wall']:.2f}x   "
              f"CPU {base['cpu'] / mine['cpu']:.2f}x")  # fmt: skip
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
