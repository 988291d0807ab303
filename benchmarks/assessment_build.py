"""How long the demo partnership's full Strategic Assessment of Harrow takes to build.

    .venv/bin/python benchmarks/assessment_build.py [--baseline SRC] [--year 2018 --year 2022]
                                                    [--repeat 3]

Each code tree (this checkout's ``src``, and ``--baseline``, another checkout's ``src``,
e.g. a ``git worktree`` of main) loads the demo data into a throw-away data directory of
its own (``saferplan demo --no-report``), then builds ``report strategic-assessment`` for
each year (public edition, every theme, HTML, Word and PDF, the check and the edition
kept) ``--repeat`` times, the trees taking turns so that a busy machine slows both alike.
Printed: the median wall time and CPU time (user + system, of the build's process and its
drawing workers) per tree and year, with the themes, sections and images the document has;
with ``--baseline``, the ratio baseline / this checkout for each; and the machine's load
average before and after (the figures mean little on a busy machine).

``--phases`` also builds each year once per tree through the library, as the CLI does (the
same calls, timed between them and at each progress step ``write_report`` reports), and
prints the wall seconds of each phase: start-up (imports and Django), figures, planning the
charts, drawing them (and the bundle's check), HTML, Word and its check (the PDF is laid out
in a worker meanwhile), waiting for the PDF, and keeping the edition (the check again).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"
PARTNERSHIP = "Safer Harrow (demo)"


def _run(src: Path, data: Path, *args: str) -> tuple[float, float]:
    """Run ``python -m saferplan ARGS`` from ``src``; its wall and CPU seconds."""
    unwanted = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(SAFERPLAN_DATA=str(data), PYTHONPATH=str(src))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "saferplan", *args], env=env, cwd=src.parent,
                          capture_output=True, text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {src}:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# Run in a fresh interpreter from the tree's src: the CLI's build, timed phase by phase. A
# tree whose write_report takes a pool (this checkout) gets one opened before the figures.
PHASES_SCRIPT = """
import time
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import inspect, json, sys
from contextlib import nullcontext
from pathlib import Path
from saferplan.site.bootstrap import setup_django
setup_django()
from saferplan.accounts.tenancy import cli_partnership, current_partnership
from saferplan.datastore.warehouse import Warehouse
from saferplan.definitions.service import in_force
from saferplan.editions.documents import keep_strategic_assessment
from saferplan.reports import build, render
from saferplan.reports.assessment import build_assessment
PHASE = {("charts", 0): "planning", ("documents", 0): "drawing",
         ("documents", 1 / 3): "HTML", ("documents", 2 / 3): "Word and its check"}
def step(phase, share):
    if (phase, share) in PHASE:
        mark(PHASE[phase, share])
def main(partnership, year, out):
    early = "pool" in inspect.signature(build.write_report).parameters
    with cli_partnership(partnership), (render.workers() if early else nullcontext()) as pool:
        mark("start-up")
        p = current_partnership()
        with in_force(p) as book:
            a = build_assessment(Warehouse().connect(), book, p.area, year, list(p.comparators))
        mark("figures")
        extra = {"pool": pool} if early else {}
        built = build.write_report(a, Path(out), p.name, step=step, **extra)
        mark("waiting for the PDF")
        keep_strategic_assessment(a, built)
        mark("keeping the edition")
    print(json.dumps([(name, t - marks[i][1]) for i, (name, t) in enumerate(marks[1:])]))
if __name__ == "__main__":
    main(*sys.argv[1:])
"""


def _phases(src: Path, data: Path, year: str, out: Path) -> list[tuple[str, float]]:
    """Wall seconds of each phase of one build through the library (see PHASES_SCRIPT)."""
    script = out.parent / "phases.py"
    script.write_text(PHASES_SCRIPT)
    unwanted = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(SAFERPLAN_DATA=str(data), PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, str(script), PARTNERSHIP, year, str(out)], env=env,
                          cwd=src.parent, capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the phased build failed in {src}:\n{done.stderr[-2000:]}")
    return [(name, seconds) for name, seconds in json.loads(done.stdout.splitlines()[-1])]


def _print_phases(scratch: Path, trees: dict[str, Path], data: dict[str, Path],
                  years: list[str]) -> None:  # fmt: skip
    for year in years:
        timed = {}
        for name, src in trees.items():
            out = scratch / f"phases-{name.replace(' ', '-')}-{year}"
            shutil.rmtree(out, ignore_errors=True)
            timed[name] = dict(_phases(src, data[name], year, out))
        print(f"phases of one {year} build, wall seconds ({', '.join(timed)}):")
        for phase in dict.fromkeys(p for t in timed.values() for p in t):
            row = "   ".join(f"{t.get(phase, float('nan')):6.2f}" for t in timed.values())
            print(f"  {phase:<22} {row}")
        row = "   ".join(f"{sum(t.values()):6.2f}" for t in timed.values())
        print(f"  {'whole build':<22} {row}")


def _contents(out: Path) -> str:
    data = json.loads((out / "figures.json").read_text())
    charts = sum(len(t["charts"]) for t in data["themes"])
    return f"{len(data['themes'])} sections, {charts} images"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder")
    parser.add_argument("--year", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phases", action="store_true", help="also time each phase once")
    args = parser.parse_args()
    years = args.year or ["2018", "2022"]
    trees = {"this checkout": HERE}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), **trees}
    print(
        "load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    scratch = Path(tempfile.mkdtemp(prefix="saferplan-bench-build-"))
    data = {name: scratch / f"data-{i}" for i, name in enumerate(trees)}
    for name, src in trees.items():
        wall, _ = _run(src, data[name], "demo", "--no-report")
        print(f"{name}: demo data loaded in {wall:.1f} s ({src})")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    contents: dict[tuple[str, str], str] = {}
    for _ in range(args.repeat):
        for year in years:
            for name, src in trees.items():
                out = scratch / f"out-{name.replace(' ', '-')}-{year}"
                shutil.rmtree(out, ignore_errors=True)
                build = ("report", "strategic-assessment", "--partnership", PARTNERSHIP,
                         "--year", year, "--out", str(out))  # fmt: skip
                times.setdefault((name, year), []).append(_run(src, data[name], *build))
                contents[(name, year)] = _contents(out)
    print(f"median of {args.repeat} builds, Harrow, public edition with PDF:")
    medians = {}
    for (name, year), runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[(name, year)] = wall, cpu
        print(f"  {year} {name:<14} wall {wall:6.1f} s   CPU {cpu:6.1f} s   "
              f"{contents[(name, year)]}")  # fmt: skip
    if args.phases:
        _print_phases(scratch, trees, data, years)
    if args.baseline:
        for year in years:
            (bw, bc), (w, c) = medians[("baseline", year)], medians[("this checkout", year)]
            print(
                f"  {year} ratio, baseline / this checkout: wall {bw / w:.2f}x   CPU {bc / c:.2f}x"
            )
    print(
        "load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    _remove(scratch)


def _remove(path: Path) -> None:
    """Editions are read-only folders: make them writable again to remove them."""
    for folder in [path, *(p for p in path.rglob("*") if p.is_dir())]:
        folder.chmod(0o700)
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
