"""What keeping and checking an edition costs, on a real built document.

    .venv/bin/python benchmarks/editions.py [--folder out] [--repeat 20]

``--folder`` is a built Strategic Assessment (``saferplan demo`` writes one to ``out/``).
Times, in a throw-away data directory: keeping its files as an edition against the
baseline of copying them with ``shutil.copyfile``; serving a file with its hash checked
(``read_file``) against reading it plainly; and ``verify`` of the whole edition.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=Path("out"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"no files in {args.folder}: run saferplan demo first")
    # A throw-away data directory and its own SQLite database: never a real one.
    os.environ["SAFERPLAN_DATA"] = tempfile.mkdtemp(prefix="saferplan-bench-")
    os.environ.pop("DATABASE_URL", None)
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.editions.store import Build, read_file, verify
    from saferplan.editions.store import keep_edition as keep

    total = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {total / 1e6:.1f} MB, median of {args.repeat} runs")
    copies = Path(tempfile.mkdtemp(prefix="saferplan-bench-copy-"))

    def copy() -> None:
        folder = Path(tempfile.mkdtemp(dir=copies))
        for p in files:
            shutil.copyfile(p, folder / p.name)

    def row(label: str, fn: Callable[[], object], note: str = "") -> None:
        print(f"  {label:<24}{_median_ms(fn, args.repeat):8.1f} ms  {note}")

    build = Build("strategic-assessment", "2018", "public", "Benchmark")
    with partnership_scope(Partnership.objects.create(name="Benchmark")):
        row("keep_edition", lambda: keep(build, files))
        row("baseline: copyfile", copy)
        edition = keep(build, files)
        largest = max(edition.files.all(), key=lambda f: f.size_bytes)
        plain = next((Path(os.environ["SAFERPLAN_DATA"]) / "editions").rglob(largest.name))
        row("read_file, checked", lambda: read_file(largest),
            f"{largest.name} ({largest.size_bytes / 1e6:.1f} MB)")  # fmt: skip
        row("baseline: read_bytes", plain.read_bytes)
        row("verify (every file)", lambda: verify(edition))
    _remove(Path(os.environ["SAFERPLAN_DATA"]))
    _remove(copies)


def _remove(path: Path) -> None:
    """Editions are read-only folders: make them writable again to remove them."""
    for folder in [path, *(p for p in path.rglob("*") if p.is_dir())]:
        folder.chmod(0o700)
    shutil.rmtree(path)


if __name__ == "__main__":
    main()
