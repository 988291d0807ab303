"""Building the statutory plans for the demo partnership: its youth justice service has 400
children over 5 years (the synthetic cohort, seed 2019), as the brief's target describes.

    .venv/bin/python benchmarks/plans.py [--repeat 3] [--year 2019-20] [--no-pdf]

Loads the demo into a throw-away data directory (not timed), then times each document's
whole build as ``saferplan report ...`` runs it: compute, check, HTML, Word, read-back,
PDF and keeping the edition. The baseline in the same run is the computation alone
(``build.prepare``: the figures and their check, no layout or files), so the time the
outputs take is the difference. Target: the Youth Justice Plan in under 15 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

DOCUMENTS = ("youth-justice-plan", "community-safety-plan", "knife-crime-action-plan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", default="2019-20")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="saferplan-bench-plans-")
    os.environ["SAFERPLAN_DATA"] = data
    os.environ.pop("DATABASE_URL", None)

    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.demo.load import load_demo
    from saferplan.documents import build
    from saferplan.plans.demo import demo_partnership, load_demo_partnership
    from saferplan.youthjustice.demo import load_demo_youth_justice
    from saferplan.youthjustice.models import Child

    t = time.perf_counter()
    load_demo()
    load_demo_partnership(Warehouse().connect())
    partnership = demo_partnership()
    load_demo_youth_justice(partnership)
    print(f"demo loaded in {time.perf_counter() - t:.1f} s (not timed below)")
    with partnership_scope(partnership):
        print(f"youth justice service: {Child.objects.count()} children")
        for document in DOCUMENTS:
            computed, whole = [], []
            for n in range(args.repeat):
                t = time.perf_counter()
                build.prepare(document, args.year)
                computed.append(time.perf_counter() - t)
                out = Path(data) / "out" / f"{document}-{n}"
                t = time.perf_counter()
                built = build.write(document, args.year, out, pdf=not args.no_pdf)
                build.keep(built)
                whole.append(time.perf_counter() - t)
            print(
                f"{document}: whole build median {statistics.median(whole):.2f} s "
                f"(min {min(whole):.2f}, max {max(whole):.2f}); computing alone median "
                f"{statistics.median(computed):.2f} s; {len(built.data['figures'])} figures; "
                f"{args.repeat} runs"
            )


if __name__ == "__main__":
    main()
