"""police.uk import speed against the baseline an analyst would write (pandas).

    .venv/bin/python benchmarks/ingest.py [--rows 2000000] [--keep]

Generates a realistic street-level CSV, then times, on the same file in the same run:
  saferplan (CLI)      `saferplan import police-uk FILE` as a fresh process, fresh data dir
  saferplan (library)  `run_import` alone, Django already started
  baseline (pandas)    `pd.read_csv(FILE)` then `df.to_parquet(...)` in a fresh process
Each is run --repeat times; the best run is reported (the machine is shared).
"""

from __future__ import annotations

import argparse
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
PANDAS_SCRIPT = (
    "import pandas as pd, sys; df = pd.read_csv(sys.argv[1]); df.to_parquet(sys.argv[2])"
)
LIBRARY_SCRIPT = """
import sys, time
from saferplan.site.bootstrap import setup_django
setup_django()
from saferplan.datastore.importing import run_import
t = time.perf_counter()
run_import("police-uk", [sys.argv[1]])
print(time.perf_counter() - t)
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="saferplan-bench-"))
    csv_path = work / "2018-metropolitan-street.csv"
    print(f"Generating {args.rows:,} police.uk rows…", flush=True)
    write_police_uk_csv(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"  {csv_path} ({size_mb:,.0f} MB)")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}

    results: dict[str, list[float]] = {"cli": [], "library": [], "pandas": []}
    for i in range(args.repeat):
        for name in results:
            data = work / f"data-{name}-{i}"
            run_env = {**env, "SAFERPLAN_DATA": str(data)}
            if name == "cli":
                # A data directory is set up (database migrated) once, not per import.
                subprocess.run(
                    [PYTHON, "-m", "saferplan", "imports"],
                    check=True,
                    env=run_env,
                    stdout=subprocess.DEVNULL,
                )
                results[name].append(
                    timed(
                        [PYTHON, "-m", "saferplan", "import", "police-uk", str(csv_path)], run_env
                    )
                )
            elif name == "library":
                out = subprocess.run(
                    [PYTHON, "-c", LIBRARY_SCRIPT, str(csv_path)],
                    check=True,
                    env=run_env,
                    capture_output=True,
                    text=True,
                )
                results[name].append(float(out.stdout.strip().splitlines()[-1]))
            else:
                results[name].append(
                    timed(
                        [
                            PYTHON,
                            "-c",
                            PANDAS_SCRIPT,
                            str(csv_path),
                            str(work / f"pandas-{i}.parquet"),
                        ],
                        run_env,
                    )
                )
            shutil.rmtree(data, ignore_errors=True)

    best = {k: min(v) for k, v in results.items()}
    print(
        f"\npolice.uk import, {args.rows:,} rows, best of {args.repeat} ({os.cpu_count()} cores):"
    )
    labels = {
        "cli": "saferplan import (CLI, whole process)",
        "library": "saferplan run_import (library call)",
        "pandas": "baseline: pandas read_csv + to_parquet (whole process)",
    }
    for key, label in labels.items():
        print(f"  {label:<56} {best[key]:6.2f} s  {args.rows / best[key] / 1e6:5.2f} M rows/s")
    print(f"  ratio, pandas / saferplan CLI:      {best['pandas'] / best['cli']:.2f}x")
    print(f"  ratio, pandas / saferplan library:  {best['pandas'] / best['library']:.2f}x")
    if args.keep:
        print(f"kept {csv_path}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
