"""All youth justice indicators for 100,000 children and about 1,000,000 offences.

    .venv/bin/python benchmarks/youthjustice.py [--children 100000] [--offences-per-child 10]

Times the vectorised indicator functions on a synthetic cohort, and, as the baseline in the
same run, the deliberately simple loop implementation the tests check them against (on a
sample of children, scaled per child).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src" / "saferplan" / "youthjustice"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--offences-per-child", type=float, default=10.0)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()

    from saferplan.youthjustice import indicators as ind
    from saferplan.youthjustice import kpis
    from saferplan.youthjustice.synth import generate_cohort
    from saferplan.youthjustice.tests.test_indicators import simple_cohort

    t = time.perf_counter()
    c = generate_cohort(args.children, seed=1, offences_per_child=args.offences_per_child)
    print(
        f"generated {len(c.children):,} children, {len(c.offences):,} offences, "
        f"{len(c.outcomes):,} outcome rows, {len(c.orders):,} orders, "
        f"{len(c.victims):,} victims in {time.perf_counter() - t:.1f} s"
    )
    start, end = date(2018, 4, 1), date(2019, 3, 31)
    timings = {}

    t = time.perf_counter()
    events = ind.proven_events(c.children, c.outcomes)
    timings["proven events (shared)"] = time.perf_counter() - t
    t = time.perf_counter()
    ind.first_time_entrants(c.children, c.outcomes, start, end, 250_000, "2018-19", events)
    timings["first time entrants"] = time.perf_counter() - t
    t = time.perf_counter()
    ind.use_of_custody(c.children, c.outcomes, start, end, 250_000, "2018-19", events)
    timings["use of custody"] = time.perf_counter() - t
    t = time.perf_counter()
    ind.remands(c.remands, start, end, "2018-19")
    timings["remands"] = time.perf_counter() - t
    t = time.perf_counter()
    # As the service does: index events and proven offences prepared once for four cohorts.
    prepared = ind.prepare(c.children, c.offences, c.outcomes, events)
    cohorts = [
        ind.reoffending_cohort(c.children, c.offences, c.outcomes, a, b, prepared)
        for a, b in ind.quarters(date(2017, 4, 1))
    ]
    ind.reoffending(cohorts, "2017-18")
    timings["reoffending (4 quarterly cohorts)"] = time.perf_counter() - t
    t = time.perf_counter()
    fte_children = c.children.assign(first=1)
    ind.disproportionality(
        fte_children.groupby("ethnicity")["first"].sum().to_dict(),
        {g: 1_000_000 for g in c.children["ethnicity"].unique()},
    )
    timings["disproportionality"] = time.perf_counter() - t
    tables = c.tables()
    t = time.perf_counter()
    kpis.kpis(tables, start, end, "2018-19", 250_000)
    timings["YJB key performance indicators"] = time.perf_counter() - t
    t = time.perf_counter()
    kpis.profile(tables, start, end)
    timings["cohort profile"] = time.perf_counter() - t
    total = sum(timings.values())
    for name, seconds in timings.items():
        print(f"  {name:<36} {seconds * 1000:9.1f} ms")
    print(
        f"  {'all indicators':<36} {total * 1000:9.1f} ms  (target < 2,000 ms: "
        f"{'met' if total < 2 else 'NOT met'})"
    )

    sample = c.children["child_ref"].iloc[: args.sample]
    kids = c.children[c.children["child_ref"].isin(sample)]
    offs = c.offences[c.offences["child_ref"].isin(sample)]
    outs = c.outcomes[c.outcomes["child_ref"].isin(sample)]
    t = time.perf_counter()
    for a, b in ind.quarters(date(2017, 4, 1)):
        simple_cohort(kids, offs, outs, a, b)
    simple = (time.perf_counter() - t) * len(c.children) / len(kids)
    reoffending = timings["reoffending (4 quarterly cohorts)"]
    print(
        f"  baseline: simple loop reoffending, scaled from {len(kids):,} children: "
        f"{simple:,.1f} s -> ratio {simple / reoffending:,.0f}x"
    )


if __name__ == "__main__":
    main()
