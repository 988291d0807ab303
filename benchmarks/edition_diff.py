"""What comparing two editions costs, on a real built document, in the worst case.

    .venv/bin/python benchmarks/edition_diff.py [--folder out] [--repeat 5]

``--folder`` is a built Strategic Assessment (``saferplan demo`` writes one to ``out/``).
In a throw-away data directory it is kept as an edition, and again with every whole number
of its ``figures.json`` one higher and every digit of its HTML's text shifted, so that
every figure and nearly every paragraph differs. Times ``compare`` (every figure matched
and given its reasons, every section's text diffed word by word) against the baseline of
reading both bundles with ``json.loads``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEXT_NODE = re.compile(r">([^<]+)<")
DIGIT = re.compile(r"\d")


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _bumped(value: Any) -> Any:
    """Every whole number one higher (booleans and import ids left alone)."""
    if isinstance(value, dict):
        return {k: v if "import_id" in k else _bumped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bumped(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    return value


def _shifted_text(html: str) -> str:
    """Each digit of the text between tags one on (9 to 0); attributes (images) untouched."""
    return TEXT_NODE.sub(
        lambda m: ">" + DIGIT.sub(lambda d: str((int(d.group()) + 1) % 10), m.group(1)) + "<",
        html,
    )


def _changed_copy(folder: Path) -> Path:
    copy = Path(tempfile.mkdtemp(prefix="saferplan-bench-diff-"))
    for p in folder.iterdir():
        if p.is_file() and not p.name.startswith("."):
            shutil.copyfile(p, copy / p.name)
    bundle = copy / "figures.json"
    bundle.write_text(json.dumps(_bumped(json.loads(bundle.read_text()))))
    for html in copy.glob("*.html"):
        html.write_text(_shifted_text(html.read_text()))
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=Path("out"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not any(p.name == "figures.json" for p in files):
        raise SystemExit(f"no figures.json in {args.folder}: run saferplan demo first")
    # A throw-away data directory and its own SQLite database: never a real one.
    os.environ["SAFERPLAN_DATA"] = tempfile.mkdtemp(prefix="saferplan-bench-")
    os.environ.pop("DATABASE_URL", None)
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.editions.compare import compare
    from saferplan.editions.store import Build, keep_edition

    changed = _changed_copy(args.folder)
    build = Build("strategic-assessment", "2018", "public", "Benchmark")
    with partnership_scope(Partnership.objects.create(name="Benchmark")):
        old = keep_edition(build, files)
        new = keep_edition(build, sorted(p for p in changed.iterdir() if p.is_file()))
        found = compare(old, new)
        print(f"{len(found.figures)} figures changed, {len(found.text)} sections' text changed "
              f"(text from the {found.text_source}), median of {args.repeat} runs")  # fmt: skip
        row = "  {:<34}{:8.1f} ms"
        print(row.format("compare (figures and text)", _median_ms(lambda: compare(old, new),
                                                                  args.repeat)))  # fmt: skip
        bundles = [args.folder / "figures.json", changed / "figures.json"]
        baseline = _median_ms(lambda: [json.loads(p.read_bytes()) for p in bundles], args.repeat)
        print(row.format("baseline: json.loads both bundles", baseline))
    shutil.rmtree(changed)
    _remove(Path(os.environ["SAFERPLAN_DATA"]))


def _remove(path: Path) -> None:
    """Editions are read-only folders: make them writable again to remove them."""
    for folder in [path, *(p for p in path.rglob("*") if p.is_dir())]:
        folder.chmod(0o700)
    shutil.rmtree(path)


if __name__ == "__main__":
    main()
