"""``saferplan demo`` says what its assessment left out, as ``report strategic-assessment`` does."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

from saferplan.cli import demo, report


def test_the_demo_build_names_the_themes_it_left_out(monkeypatch, tmp_path: Path) -> None:
    """The demo's build threw the list of themes left out away: only ``report`` printed it."""
    screen = io.StringIO()
    monkeypatch.setattr(report, "err_console", Console(file=screen, width=200))
    monkeypatch.setattr(demo, "console", Console(file=io.StringIO(), width=200))
    left_out = [("Anti-social behaviour", "no data for anti-social behaviour by borough")]
    monkeypatch.setattr(report, "build_strategic_assessment", lambda *a, **k: (tmp_path, left_out))
    owner = SimpleNamespace(name="Safer Harrow (demo)")
    demo.build_demo_report(owner, "Harrow", 2022, ["Barnet"], tmp_path)
    assert "Left out Anti-social behaviour: no data for anti-social behaviour by borough" in (
        " ".join(screen.getvalue().split())
    )
