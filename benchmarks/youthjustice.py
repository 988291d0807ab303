"""All youth justice indicators for 100,000 children and about 1,000,000 offences; or the
dashboard page's response time.

    .venv/bin/python benchmarks/youthjustice.py [--children 100000] [--offences-per-child 10]
    .venv/bin/python benchmarks/youthjustice.py --dashboard [--sizes 400,5000] [--repeat 5]

Times the vectorised indicator functions on a synthetic cohort, and, as the baseline in the
same run, the deliberately simple loop implementation the tests check them against (on a
sample of children, scaled per child).

``--dashboard`` imports the demo's synthetic cohort (seed 2019) and larger ones into a
throw-away SQLite database and times ``GET /youth-justice/`` through Django's test client,
signed in as a youth justice practitioner, with the SQL queries it makes; the baseline in
the same run is one read of the records into the indicator tables (``store.tables()``).
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
    parser.add_argument("--dashboard", action="store_true", help="time the dashboard page")
    parser.add_argument("--sizes", default="400,5000", help="cohort sizes for --dashboard")
    parser.add_argument("--repeat", type=int, default=5, help="requests per size")
    args = parser.parse_args()
    if args.dashboard:
        dashboard([int(n) for n in args.sizes.split(",")], args.repeat)
        return

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


def dashboard(sizes: list[int], repeat: int) -> None:
    """Median and best time of the dashboard for cohorts of each size, and its SQL queries."""
    import os
    import statistics
    import tempfile

    os.environ["SAFERPLAN_DATA"] = tempfile.mkdtemp(prefix="saferplan-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saferplan.site.test_settings"
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from saferplan.accounts.models import Membership, Organisation, Partnership
    from saferplan.accounts.tenancy import across_partnerships, partnership_scope
    from saferplan.youthjustice.files import write_tables
    from saferplan.youthjustice.store import import_extract, tables
    from saferplan.youthjustice.synth import generate_cohort

    url = "/youth-justice/?period=2019-20&population=24000"
    for size in sizes:
        with across_partnerships():
            partnership = Partnership.objects.create(
                name=f"Bench {size}", areas=["Harrow"], youth_justice_area="Harrow"
            )
            organisation = Organisation.objects.create(
                partnership=partnership, name="Youth justice service", kind="council"
            )
            user = get_user_model().objects.create_user(f"yot{size}", password="x" * 12)
            Membership.objects.create(
                user=user, partnership=partnership, organisation=organisation,
                roles=["youth_justice"],
            )  # fmt: skip
        folder = Path(tempfile.mkdtemp(prefix="extract-"))
        write_tables(generate_cohort(children=size, seed=2019).tables(), folder)
        with partnership_scope(partnership):
            t = time.perf_counter()
            import_extract(folder, user="bench")
            imported = time.perf_counter() - t
            reads = []
            for _ in range(repeat):
                t = time.perf_counter()
                tables()
                reads.append(time.perf_counter() - t)
        client = Client(HTTP_HOST="localhost")  # an allowed host outside the test runner
        client.force_login(user)
        warm = client.get(url)  # templates, chart fonts
        assert warm.status_code == 200, warm.content[:2000]
        pages = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url)
                pages.append(time.perf_counter() - t)
            assert response.status_code == 200
        print(
            f"{size:>6,} children (imported in {imported:.1f} s): GET /youth-justice/ "
            f"median {statistics.median(pages) * 1000:,.0f} ms, best {min(pages) * 1000:,.0f} ms, "
            f"{len(queries)} SQL queries; baseline, one read of the records: median "
            f"{statistics.median(reads) * 1000:,.0f} ms"
        )


if __name__ == "__main__":
    main()
