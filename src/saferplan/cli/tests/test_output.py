"""What a file holds reaches the terminal as plain text: no Rich markup, no escape sequences."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from rich.console import Console

from saferplan.cli import output
from saferplan.core.errors import InputError, SaferplanError
from saferplan.demo import DATA

HOSTILE = [
    "[link=https://evil.example]click[/link]",
    "[/bold]",
    "[red]sheet[/red]",
    "\x1b[2J\x1b[31mcleared\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "bell\x07 back\x08space carriage\rreturn rtl\u202eoverride",
]


def _shown(exc: SaferplanError, monkeypatch: pytest.MonkeyPatch) -> str:
    """What friendly_errors writes to a colour terminal for ``exc``."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system="truecolor", width=300)
    monkeypatch.setattr(output, "err_console", console)
    with pytest.raises(typer.Exit), output.friendly_errors():
        raise exc
    return screen.getvalue()


@pytest.mark.parametrize("value", HOSTILE)
def test_error_messages_print_values_from_files_as_text(value, monkeypatch) -> None:
    shown = _shown(InputError("f.csv", f"'{value}' is not a month", row=2, hint=value), monkeypatch)
    text = _without_our_styles(shown)
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\u202e" not in text
    if value.startswith("["):
        assert f"'{value}' is not a month" in text  # markup shown, not obeyed
    assert "\x1b]8;" not in shown  # never a hyperlink


def test_markup_in_a_message_is_not_an_error_either(monkeypatch) -> None:
    shown = _shown(SaferplanError("sheet '[Orders]' has no rows [/]"), monkeypatch)
    assert "sheet '[Orders]' has no rows [/]" in _without_our_styles(shown)


def _without_our_styles(shown: str) -> str:
    """The printed text without the SGR codes Rich adds for 'Error:' and 'Hint:'."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", shown)


def test_tables_print_cells_as_text() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200)
    original = output.console
    output.console = console
    try:
        output.print_rows(["area"], [["[bold]Harrow[/bold]"], ["\x1b[2Jx"]], "table", "t")
    finally:
        output.console = original
    shown = _without_our_styles(screen.getvalue())
    assert "[bold]Harrow[/bold]" in shown and "\x1b[2J" not in shown


def test_import_summary_and_errors_from_the_cli_are_text(tmp_path: Path) -> None:
    """A file name with markup, from the real CLI (the summary) and a month of '[/bold]'."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = (DATA / "police_uk" / "harrow-2018-06-street.csv").read_text("utf-8")
    (folder / "[red]harrow-2018-06-street.csv").write_text(source, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLAN_DATA"] = str(tmp_path / "data")
    run = [sys.executable, "-m", "saferplan", "import", "police-uk"]
    done = subprocess.run([*run, str(folder)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "[red]harrow-2018-06-street.csv: 1,612 rows kept" in done.stdout
    bad = tmp_path / "bad-street.csv"
    bad.write_text(source.replace("2018-06", "[/bold]", 1).replace("2018-06", "[/bold]", 1))
    failed = subprocess.run([*run, str(bad)], capture_output=True, text=True, env=env)
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert "row 2, column 'Month': '[/bold]' is not a month" in failed.stderr
