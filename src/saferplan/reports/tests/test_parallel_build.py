"""Charts and maps drawn in worker processes: the same document as drawn in one process, and
a chart that fails in a worker stops the build loudly, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saferplan.core.errors import SaferplanError
from saferplan.reports.tests.conftest import COMPARATORS
from saferplan.reports.tests.helpers import demo_provenance

# All crime (monthly, rolling, LSOA and ward maps, hot spots, density) and burglary.
THEMES = ["total", "burglary"]


def _build(warehouse: Any, owner: Any, out: Path, pdf: bool = False) -> None:
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.crime.themes import load_themes
    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.build import write_report

    with partnership_scope(owner):
        con = warehouse.connect()
    a = build_assessment(con, load_themes(), "Harrow", "2018", COMPARATORS, themes=THEMES)
    write_report(a, out, "Safer Harrow", pdf=pdf, records=demo_provenance(warehouse))


def _images(folder: Path) -> list[bytes]:
    from saferplan.reports.outputs import html_items

    _, images = html_items((folder / "strategic-assessment.html").read_text(encoding="utf-8"))
    return images


def test_workers_draw_the_same_bytes_as_one_process(
    demo_warehouse, series_owner, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SAFERPLAN_WORKERS", "1")
    _build(demo_warehouse, series_owner, tmp_path / "serial")
    monkeypatch.setenv("SAFERPLAN_WORKERS", "2")
    _build(demo_warehouse, series_owner, tmp_path / "parallel", pdf=True)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    kinds = [c["kind"] for t in json.loads((serial / "figures.json").read_text())["themes"]
             for c in t["charts"]]  # fmt: skip
    assert {"monthly", "rolling", "lsoa-map", "ward-map", "hotspots", "density"} <= set(kinds)
    assert (serial / "figures.json").read_bytes() == (parallel / "figures.json").read_bytes()
    assert (serial / "figures.csv").read_bytes() == (parallel / "figures.csv").read_bytes()
    assert len(_images(serial)) == len(kinds)
    assert _images(serial) == _images(parallel)
    assert (parallel / "strategic-assessment.pdf").read_bytes().startswith(b"%PDF")


def test_a_chart_failing_in_a_worker_stops_the_build(
    demo_warehouse, series_owner, tmp_path, monkeypatch
) -> None:
    from saferplan.reports import figures
    from saferplan.reports.build import OUTPUTS

    drawing = figures._drawing

    def broken(kind: str, *args: Any) -> tuple[str, dict[str, Any]]:
        function, arguments = drawing(kind, *args)
        if kind == "lsoa-map":
            arguments = {**arguments, "shades": None}  # fails only when drawn
        return function, arguments

    monkeypatch.setattr(figures, "_drawing", broken)
    monkeypatch.setenv("SAFERPLAN_WORKERS", "2")
    out = tmp_path / "report"
    with pytest.raises(SaferplanError, match=r"drawing total-lsoa-map failed \(TypeError"):
        _build(demo_warehouse, series_owner, out, pdf=True)
    assert not [name for name in OUTPUTS if (out / name).exists()]
    assert not out.exists() or not any(out.iterdir())


def test_the_number_of_workers_must_be_a_number(monkeypatch) -> None:
    from saferplan.reports.render import worker_count

    monkeypatch.setenv("SAFERPLAN_WORKERS", "two")
    with pytest.raises(SaferplanError, match="SAFERPLAN_WORKERS is 'two'"):
        worker_count()
    monkeypatch.setenv("SAFERPLAN_WORKERS", "0")
    assert worker_count() == 1


def test_the_building_process_imports_no_plotting_or_statistics_library() -> None:
    """The process that computes the figures and lays out the documents leaves pyplot to its
    drawing workers and needs only scipy's normal tail (``scipy.stats`` costs ~1 s)."""
    import subprocess
    import sys

    script = (
        "import sys\nimport saferplan.reports.build, saferplan.reports.assessment\n"
        "import saferplan.reports.maps, saferplan.crime.hotspots\n"
        "print(sorted(m for m in ('matplotlib.pyplot', 'scipy.stats') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"
