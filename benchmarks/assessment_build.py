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


def _contents(out: Path) -> str:
    data = json.loads((out / "figures.json").read_text())
    charts = sum(len(t["charts"]) for t in data["themes"])
    return f"{len(data['themes'])} sections, {charts} images"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder")
    parser.add_argument("--year", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=3)
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
