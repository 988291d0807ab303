"""National scale: a synthetic police.uk archive of every force of England and Wales over
ten years, imported the normal way, then `stats compare` and `stats rank` on it.

    .venv/bin/python benchmarks/national.py [--rows 50000000] [--years 10] [--keep DIR]

The archive is ``saferplan.demo.national``'s: police.uk's layout and columns, the 43 forces,
real-format LSOA codes and the police.uk crime types. The bundled lookups cover London only,
so the partnership areas (7 synthetic local authorities a force, 301 in all) come with a
synthetic LSOA -> authority lookup and population estimates, imported through the normal
lookup and population imports. Prints, in one run:
  generation   seconds to write the archive
  import       `saferplan import police-uk` of the archive (a child process): seconds, rows/s
               and the child's peak RSS
  compare      one force: its first area against the force's other areas (library, and the
               whole CLI process)
  rank         every partnership area by rate (library, and the whole CLI process)
  baseline     the same compare and rank with DuckDB scanning the records rather than the
               rollup (the warehouse's connection without the rollup attached)
Uses a temporary data directory under /tmp, deleted afterwards unless --keep. A 50M-row
archive needs ~6 GB of disk for the CSVs and ~2 GB for the warehouse: check `df` first.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="saferplan-bench-national-", dir="/tmp"))
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    os.environ["SAFERPLAN_DATA"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    try:
        run(root, args.rows, args.years)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def cli(*argv: str) -> float:
    return timed(lambda: subprocess.run([sys.executable, "-m", "saferplan", *argv], check=True,
                                        stdout=subprocess.DEVNULL))  # fmt: skip


def run(root: Path, rows: int, years: int) -> None:
    from saferplan.demo import national

    archive = root / "archive"
    print(f"Writing {rows:,} rows over {years} years…", flush=True)
    generation = timed(lambda: list(national.write_archive(archive, rows, years=years)))
    lookup = national.write_lookup(root / "lookup.csv")
    population = national.write_population(root / "population.csv", years=years)
    cli("import", "lookup", str(lookup))
    cli("import", "population", str(population), "--name", "Synthetic estimates")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("Importing…", flush=True)
    imported = cli("import", "police-uk", str(archive))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child
    figures = queries(national, years)
    forces = len(national.FORCES)
    print(f"\n{rows:,} rows, {forces} forces, {years} years ({os.cpu_count()} cores):")
    print(f"  generation                                  {generation:8.1f} s")
    print(f"  import (whole process)                      {imported:8.1f} s "
          f"({rows / imported:,.0f} rows/s)")  # fmt: skip
    note = "" if peak > before else " (an earlier child's: the import's was no larger)"
    print(f"  import peak RSS                             {peak / 1024:8.0f} MiB{note}")
    for label, seconds in figures.items():
        print(f"  {label:<43} {seconds * 1000:8.1f} ms")
    for what in ("compare", "rank"):
        lib, base = figures[f"{what}, library"], figures[f"baseline: {what}, records scanned"]
        print(
            f"  ratio, records scanned / rollup ({what}, library): {base / lib:.1f}x; "
            f"under 2 s: {'met' if figures[f'{what}, CLI (whole process)'] < 2 else 'NOT met'}"
        )


def queries(national, years: int) -> dict[str, float]:
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
    return {
        "compare, library": timed(library_compare),
        "compare, CLI (whole process)": cli(
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
        "rank, library": timed(library_rank),
        "rank, CLI (whole process)": cli(
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
        "baseline: compare, records scanned": timed(lambda: library_compare(scanning())),
        "baseline: rank, records scanned": timed(lambda: library_rank(scanning())),
    }


if __name__ == "__main__":
    main()
