"""What refusing bad input and crash-safe publication cost a large police.uk import.

    .venv/bin/python benchmarks/import_checks.py [--rows 2000000] [--repeat 5]

Generates a realistic street-level CSV, then in one process (Django started, SQLite):
  - ``run_import`` on it --repeat times, each into a fresh warehouse: best wall time and the
    process CPU time of that run (CPU time is steadier than wall time on a shared machine);
  - with this checkout's code, each added step on its own: what the file is (sniffing),
    the search for a NUL byte, telling its kind from the header, the cell-length check, and
    fsyncing the Parquet files written.

Put an older checkout's ``src`` first on PYTHONPATH to time its ``run_import`` the same way
(the steps it lacks are then skipped).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the CPU time of that run."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        fn()
        best = min(best, (time.perf_counter() - wall, _cpu() - cpu))
    return best


def time_imports(csv_path: Path, work: Path, repeat: int) -> None:
    from saferplan.datastore.importing import run_import
    from saferplan.datastore.models import ImportRecord
    from saferplan.datastore.warehouse import Warehouse

    runs = iter(range(repeat))

    def one() -> None:
        root = work / f"warehouse-{next(runs)}"
        run_import("police-uk", [csv_path], warehouse=Warehouse(root))
        ImportRecord.objects.all().delete()
        shutil.rmtree(root)

    wall, cpu = _timed(one, repeat)
    print(f"  run_import, whole file                 {wall:6.2f} s wall  {cpu:6.2f} s CPU")


def time_steps(csv_path: Path, work: Path, repeat: int) -> None:
    try:
        from saferplan.datastore import publishing, sources
        from saferplan.datastore.importing import importers, refuse_other_kind
    except ImportError:
        print("  (this code has none of the separate steps)")
        return
    import pyarrow.csv as pacsv

    from saferplan.crime.importers import police_uk

    source = next(sources.expand_sources([csv_path], ("-street.csv",)))
    registry = importers()
    table = pacsv.read_csv(csv_path, convert_options=police_uk._convert_options(police_uk.COLUMNS))
    table = table.unify_dictionaries()
    text = police_uk._LazyText(b"")
    steps: dict[str, Callable[[], object]] = {
        "what the file is (sniffing)": lambda: sources.refuse_non_csv(source),
        "search for a NUL byte": lambda: source.data.find(b"\x00"),
        "its kind, from the header": lambda: refuse_other_kind("police-uk", source, registry),
        "cell lengths": lambda: police_uk._check_cell_lengths(source.name, table, text),
    }
    for label, step in steps.items():
        wall, cpu = _timed(step, repeat)
        print(f"  {label:<38} {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU")
    converted = police_uk._convert(source.name, table, text)
    times = []
    for n in range(repeat):
        # Written as publishing writes them, then fsynced while the pages are still dirty.
        written = publishing._write_staged(work / f"staging-{n}", 1, "0" * 32, [
            police_uk.StagedTable("police_uk_records", converted)])  # fmt: skip
        paths = [path for path, _ in written]
        for path in paths:  # rewritten without the fsync _write_staged did
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
        started = time.perf_counter()
        for path in paths:
            handle = os.open(path, os.O_RDONLY)
            os.fsync(handle)
            os.close(handle)
        times.append(time.perf_counter() - started)
    size = sum(p.stat().st_size for p in paths)
    label = f"fsync of {len(paths)} new Parquet files ({size / 1e6:,.0f} MB)"
    print(f"  {label:<38} {min(times) * 1000:6.1f} ms wall (worst {max(times) * 1000:,.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from policeuk_data import write_police_uk_csv

    work = Path(tempfile.mkdtemp(prefix="saferplan-checks-"))
    os.environ["SAFERPLAN_DATA"] = str(work / "data")
    os.environ.pop("DATABASE_URL", None)
    from saferplan.site.bootstrap import setup_django

    setup_django()
    import saferplan

    try:
        csv_path = write_police_uk_csv(work / "2018-metropolitan-street.csv", args.rows)
        print(f"saferplan from {Path(saferplan.__file__).parent}; {args.rows:,} rows, "
              f"{csv_path.stat().st_size / 1e6:,.0f} MB; best of {args.repeat}")  # fmt: skip
        time_imports(csv_path, work, args.repeat)
        time_steps(csv_path, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
