"""``saferplan --help`` and each group's help list their commands in paragraphs, wrapped at
the terminal's width, never where a docstring's source line happened to end."""

from __future__ import annotations

import re

import pytest
import typer.rich_utils
from typer.testing import CliRunner

from saferplan.cli.helptext import paragraphs
from saferplan.cli.main import COMMANDS, app

WIDTH = 100
ROW = re.compile(r"^│ (\S+)(\s+)(\S.*?)\s*│$")  # a command's first line: name, then help
MORE = re.compile(r"^│(\s+)(\S.*?)\s*│$")  # the lines its help continues on


def breaks_too_early(output: str) -> list[str]:
    """Lines of a Commands panel that ended although the next word would have fitted."""
    lines = output.split("\n")
    start = lines.index(next(line for line in lines if line.startswith("╭─ Commands")))
    early, column = [], 0
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    panel = lines[start + 1 : end]
    for line, following in zip(panel, [*panel[1:], ""], strict=True):
        row, more = ROW.match(line), MORE.match(line)
        if row:
            column = 2 + len(row.group(1)) + len(row.group(2))
        text = line[column:-1].rstrip()
        after = MORE.match(following)
        if after is None or len(after.group(1)) + 1 != column or not (row or more):
            continue  # the row's last line, or the next command's
        room = len(line) - 2 - column  # the help column, less its one space of padding
        if len(text) + 1 + len(after.group(2).split()[0]) <= room:
            early.append(line)
    return early


@pytest.mark.parametrize("group", [[], ["resources"], ["stats"], ["plans"], ["uploads"]])
def test_command_lists_wrap_at_the_width_not_at_the_docstrings(monkeypatch, group) -> None:
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", WIDTH)
    shown = CliRunner().invoke(app, [*group, "--help"])
    assert shown.exit_code == 0, shown.output
    assert "╭─ Commands" in shown.output
    assert breaks_too_early(shown.output) == []
    if not group:  # the case the lead quoted: "the shared / warehouse"
        assert "Open data goes to the      │\n│               shared warehouse;" in shown.output
        assert set(COMMANDS) <= set(re.findall(r"^│ (\S+) ", shown.output, re.MULTILINE))


def test_paragraphs_are_joined_and_lists_kept() -> None:
    assert paragraphs("One line\n    and the next.\n\n    Second\n    paragraph.") == (
        "One line and the next.\n\nSecond paragraph."
    )
    listed = "Kinds:\n- police-uk\n- mps"
    assert paragraphs(listed) == listed
    assert paragraphs("\b\nkept\nas is") == "\b\nkept\nas is"
