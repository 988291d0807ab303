"""Speed of `stats compare` and `stats rank` over 14 years of monthly London borough data.

    .venv/bin/python benchmarks/stats.py [--repeat 5]

Loads the bundled data into a fresh data directory, then times, in the same run:
  compare  Harrow against all 32 other London areas and the London total (library and CLI)
  rank     all boroughs by rate (library and CLI)
  baseline the same compare computed in pandas straight from the raw CSV files, as an
           analyst's notebook would (read the wide CSVs, melt, filter, group, divide)
  start-up a process importing what `stats compare` imports and running nothing: its share
           of the whole compare process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="saferplan-bench-stats-"))
    os.environ["SAFERPLAN_DATA"] = str(data)
    os.environ.pop("DATABASE_URL", None)

    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.core.periods import parse_period
    from saferplan.crime.comparisons import compare, ranking
    from saferplan.crime.themes import load_themes
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.demo import DATA
    from saferplan.demo.load import load_demo

    print("Loading the bundled data…", flush=True)
    load_demo()
    con = Warehouse().connect()
    areas = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT area_name FROM crime_counts WHERE source = 'mps' "
            "AND level = 'borough' "
            "AND area_name <> 'Harrow' ORDER BY 1"
        ).fetchall()
    ]
    months = con.execute(
        "SELECT count(DISTINCT period_start) FROM crime_counts "
        "WHERE source = 'mps' AND level = 'borough'"
    ).fetchone()[0]
    total = load_themes().get("total")
    period, baseline = parse_period("2018"), parse_period("2017")
    comparators = [*areas, "London"]

    def library_compare() -> None:
        compare(Warehouse().connect(), "Harrow", total, period, baseline, comparators)

    def library_rank() -> None:
        ranking(Warehouse().connect(), "borough", total, period, "rate")

    def cli(*argv: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "saferplan", "stats", *argv],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_up() -> None:
        """The interpreter and every module `stats compare` imports, running nothing."""
        code = "import saferplan.cli.main, saferplan.cli.stats, saferplan.crime.comparisons"
        subprocess.run([sys.executable, "-c", code], check=True)

    def pandas_compare() -> None:
        import pandas as pd

        frames = [
            pd.read_csv(DATA / "mps_borough_monthly_2010-04_2021-11.csv"),
            pd.read_csv(DATA / "mps_borough_monthly_2021-12_2023-11.csv"),
        ]
        long = pd.concat(
            [
                f.melt(
                    id_vars=["MajorText", "MinorText", "LookUp_BoroughName"],
                    var_name="month",
                    value_name="count",
                )
                for f in frames
            ]
        )
        long["year"] = long["month"].str[:4].astype(int)
        counts = long[long["year"].isin([2017, 2018])].pivot_table(
            index="LookUp_BoroughName", columns="year", values="count", aggfunc="sum"
        )
        pop = (
            pd.read_csv(DATA / "lsoa_population_mid2019.csv")
            .groupby("LAD11NM")["Persons_All-Ages"]
            .sum()
        )
        table = counts.join(pop, how="left")
        table.loc["London"] = [*counts.sum().tolist(), pop[pop.index.isin(counts.index)].sum()]
        table["rate_2018"] = (table[2018] * 1000 / table["Persons_All-Ages"]).round(2)
        table["rate_2017"] = (table[2017] * 1000 / table["Persons_All-Ages"]).round(2)
        table["pct"] = ((table[2018] - table[2017]) * 100 / table[2017]).round(1)

    library_compare()  # warm the operating system's file cache
    figures = {
        "compare, library (connect + query + arithmetic)": best(library_compare, args.repeat),
        "compare, CLI (whole process, --format csv)": best(
            lambda: cli(
                "compare",
                "--area",
                "Harrow",
                "--period",
                "2018",
                "--comparators",
                ",".join(comparators),
                "--format",
                "csv",
            ),
            args.repeat,
        ),
        "rank by rate, library": best(library_rank, args.repeat),
        "rank by rate, CLI (whole process)": best(
            lambda: cli(
                "rank", "--level", "borough", "--period", "2018", "--by", "rate", "--format", "csv"
            ),
            args.repeat,
        ),
        "baseline: the compare in pandas from the raw CSVs": best(pandas_compare, args.repeat),
    }
    print(
        f"\n{len(comparators) + 1} areas, {months} months of borough data, best of "
        f"{args.repeat} ({os.cpu_count()} cores):"
    )
    for label, seconds in figures.items():
        print(f"  {label:<52} {seconds * 1000:8.1f} ms")
    base = figures["baseline: the compare in pandas from the raw CSVs"]
    lib = figures["compare, library (connect + query + arithmetic)"]
    print(f"  ratio, pandas baseline / saferplan compare (library): {base / lib:.1f}x")
    whole = figures["compare, CLI (whole process, --format csv)"]
    startup = best(start_up, args.repeat)
    print(
        f"  compare, whole process: {whole * 1000:.0f} ms, of which start-up "
        f"{startup * 1000:.0f} ms ({startup * 100 / whole:.0f}%; target 300 ms: "
        f"{'met' if whole <= 0.3 else 'NOT met'})"
    )
    print(
        f"  target: compare answers in < 500 ms -> "
        f"{'met' if lib < 0.5 else 'NOT met'} ({lib * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
