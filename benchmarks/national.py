"""National scale: a synthetic police.uk archive of every force of England and Wales over
ten years, imported the normal way, then `stats compare` and `stats rank` on it.

    .venv/bin/python benchmarks/national.py [--rows 50000000] [--years 10] [--keep DIR]
                                            [--baseline OTHER/src]

The archive is ``saferplan.demo.national``'s: police.uk's layout and columns, the 43 forces,
real-format LSOA codes and the police.uk crime types. The bundled lookups cover London only,
so the partnership areas (7 synthetic local authorities a force, 301 in all) come with a
synthetic LSOA -> authority lookup and population estimates, imported through the normal
lookup and population imports. Prints, in one run:
  generation   seconds to write the archive
  import       `saferplan import police-uk` of the archive (a child process): seconds, rows/s
               and the child's peak RSS; with ``--baseline``, the same import by that source
               tree (e.g. /work/main/src), into a data directory of its own, and the ratios
  compare      one force: its first area against the force's other areas (library, and the
               whole CLI process)
  rank         every partnership area by rate (library, and the whole CLI process)
  baseline     the same compare and rank with DuckDB scanning the records rather than the
               rollup (the warehouse's connection without the rollup attached)
  rollup       the rollup rebuilt from the records, as each import does (a child process):
               seconds, its share of the import's and its peak RSS (and the baseline tree's)
Uses a temporary data directory under /tmp, deleted afterwards unless --keep. A 50M-row
archive needs ~6 GB of disk for the CSVs and ~2 GB for the warehouse: check `df` first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--baseline", type=Path, default=None, help="another tree's src/")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="saferplan-bench-national-", dir="/tmp"))
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    os.environ["SAFERPLAN_DATA"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    try:
        run(root, args.rows, args.years, args.baseline)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def cli(*argv: str) -> float:
    return timed(lambda: subprocess.run([sys.executable, "-m", "saferplan", *argv], check=True,
                                        stdout=subprocess.DEVNULL))  # fmt: skip


def measured_cli(*argv: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``saferplan *argv`` as a child: its seconds and its own peak RSS (MiB)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "saferplan", *argv], env=env,
                             stdout=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"saferplan {' '.join(argv)} failed")
    return seconds, usage.ru_maxrss / 1024


def baseline_import(root: Path, source: Path, archive: Path, lookup: Path,
                    population: Path) -> tuple[float, float]:  # fmt: skip
    """The same imports by another source tree, in a data directory of its own."""
    env = {**os.environ, "SAFERPLAN_DATA": str(root / "baseline-data"), "PYTHONPATH": str(source)}
    subprocess.run([sys.executable, "-m", "saferplan", "import", "lookup", str(lookup)],
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([sys.executable, "-m", "saferplan", "import", "population", str(population),
                    "--name", "Synthetic estimates"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    print(f"Importing with {source}…", flush=True)
    found = measured_cli("import", "police-uk", str(archive), env=env)
    shutil.rmtree(root / "baseline-data", ignore_errors=True)
    return found


def run(root: Path, rows: int, years: int, baseline: Path | None = None) -> None:
    from saferplan.demo import national

    archive = root / "archive"
    print(f"Writing {rows:,} rows over {years} years…", flush=True)
    generation = timed(lambda: list(national.write_archive(archive, rows, years=years)))
    lookup = national.write_lookup(root / "lookup.csv")
    population = national.write_population(root / "population.csv", years=years)
    cli("import", "lookup", str(lookup))
    cli("import", "population", str(population), "--name", "Synthetic estimates")
    forces = len(national.FORCES)
    print(f"{rows:,} rows, {forces} forces, {years} years ({os.cpu_count()} cores); each "
          "figure as it is measured:", flush=True)  # fmt: skip
    say(f"  generation                                  {generation:8.1f} s")
    imported, peak = measured_cli("import", "police-uk", str(archive))
    say(f"  import (whole process)                      {imported:8.1f} s "
        f"({rows / imported:,.0f} rows/s)")  # fmt: skip
    say(f"  import peak RSS                             {peak:8.0f} MiB")
    if baseline is not None:
        old_seconds, old_peak = baseline_import(root, baseline, archive, lookup, population)
        say(f"  baseline import ({baseline})  {old_seconds:8.1f} s "
            f"({rows / old_seconds:,.0f} rows/s), peak RSS {old_peak:,.0f} MiB; "
            f"ratios {imported / old_seconds:.2f}x time, {peak / old_peak:.2f}x RSS")  # fmt: skip
    rebuilt, rebuilt_peak = rollup_rebuild()
    say(f"  rollup rebuilt from the records             {rebuilt:8.1f} s "
        f"({100 * rebuilt / imported:.0f}% of the import), "
        f"peak RSS {rebuilt_peak:,.0f} MiB")  # fmt: skip
    if baseline is not None:
        old_rollup = rollup_rebuild(baseline)
        say(f"  baseline rollup rebuilt ({baseline})  {old_rollup[0]:8.1f} s, "
            f"peak RSS {old_rollup[1]:,.0f} MiB")  # fmt: skip
    figures = {}
    for label, measure in queries(national, years):
        figures[label] = measure()
        say(f"  {label:<43} {figures[label] * 1000:8.1f} ms")
    for what in ("compare", "rank"):
        lib, base = figures[f"{what}, library"], figures[f"baseline: {what}, records scanned"]
        say(
            f"  ratio, records scanned / rollup ({what}, library): {base / lib:.1f}x; "
            f"under 2 s: {'met' if figures[f'{what}, CLI (whole process)'] < 2 else 'NOT met'}"
        )


def say(line: str) -> None:
    print(line, flush=True)


# Run in a child, so that its peak RSS is the rollup's alone.
REBUILD = """
import sys, tempfile, time
from pathlib import Path
from saferplan.datastore import rollup
from saferplan.datastore.warehouse import Warehouse
wh = Warehouse()
entries = wh.entries()
with tempfile.TemporaryDirectory(dir=wh.root) as scratch:
    start = time.perf_counter()
    try:
        rollup.write(wh.connect_entries(entries), Path(scratch) / "rollup", Path(scratch) / "spill")
    except TypeError:  # a tree from before the rollup spilled to disk
        rollup.write(wh.connect_entries(entries), Path(scratch) / "rollup")
    print(time.perf_counter() - start)
"""


def rollup_rebuild(source: Path | None = None) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) to write the rollup of the catalog's records afresh (in a
    scratch folder), by this tree or ``source``."""
    env = {**os.environ, **({"PYTHONPATH": str(source)} if source else {})}
    child = subprocess.Popen([sys.executable, "-c", REBUILD], env=env, stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    assert child.stdout is not None
    said = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the rollup could not be rebuilt")
    return float(said.split()[-1]), usage.ru_maxrss / 1024  # after DuckDB's progress bar


def queries(national, years: int) -> list[tuple[str, Callable[[], float]]]:
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.core.periods import parse_period
    from saferplan.crime.comparisons import compare, ranking
    from saferplan.crime.themes import load_themes
    from saferplan.datastore.warehouse import Warehouse

    kent = [a.name for a in national.areas() if a.force == "Kent"]
    total = load_themes().get("total")
    last = 2014 + years - 1
    period, baseline = parse_period(str(last)), parse_period(str(last - 1))

    def library_compare(con=None) -> None:
        compare(con or Warehouse().connect(), kent[0], total, period, baseline, kent[1:])

    def library_rank(con=None) -> None:
        ranking(con or Warehouse().connect(), "borough", total, period, "rate")

    def scanning() -> object:
        wh = Warehouse()
        return wh.connect_entries(wh.entries())  # no rollup attached: built from the records

    library_compare()  # warm the file cache
    return [
        ("compare, library", lambda: timed(library_compare)),
        (
            "compare, CLI (whole process)",
            lambda: cli(
                "stats",
                "compare",
                "--area",
                kent[0],
                "--period",
                str(last),
                "--comparators",
                ",".join(kent[1:]),
                "--format",
                "csv",
            ),
        ),
        ("rank, library", lambda: timed(library_rank)),
        (
            "rank, CLI (whole process)",
            lambda: cli(
                "stats",
                "rank",
                "--level",
                "borough",
                "--period",
                str(last),
                "--by",
                "rate",
                "--format",
                "csv",
            ),
        ),
        ("baseline: compare, records scanned", lambda: timed(lambda: library_compare(scanning()))),
        ("baseline: rank, records scanned", lambda: timed(lambda: library_rank(scanning()))),
    ]


if __name__ == "__main__":
    main()
