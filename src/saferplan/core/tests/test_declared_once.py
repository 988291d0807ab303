"""Facts declared once stay declared once: settings read only through ``saferplan.config``,
import kinds only from ``datastore.kinds``, and the README generated from both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from saferplan import config
from saferplan.datastore.kinds import KINDS, kinds_table

SRC = Path(config.__file__).parent
README = SRC.parent.parent / "README.md"
# Other libraries' own variables, which saferplan sets for them.
THIRD_PARTY = {"DJANGO_SETTINGS_MODULE", "OPENBLAS_NUM_THREADS"}
OURS = re.compile(r"^(SAFERPLAN_[A-Z0-9_]+|DATABASE_URL)$")


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every os.environ / os.getenv read of a literal name."""
    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func)
            if target in ("os.environ.get", "os.getenv", "environ.get") and node.args:
                key = node.args[0]
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) in ("os.environ", "environ")
        ):
            key = node.slice
        if key is not None:
            found.append((node.lineno, ast.unparse(key)))
    return found


def test_code_reads_settings_only_through_config() -> None:
    problems = []
    for path in _sources():
        if path.name == "config.py" and path.parent == SRC:
            continue
        for line, key in _environment_reads(ast.parse(path.read_text())):
            if key.strip("'\"") not in THIRD_PARTY:
                problems.append(f"{path.relative_to(SRC)}:{line} reads {key}: use config.get")
    assert not problems, "\n".join(problems)


def test_every_setting_named_in_the_code_is_declared() -> None:
    declared = {s.name for s in config.SETTINGS}
    named = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and OURS.match(node.value)
            ):
                named.add(node.value)
    assert named - declared == set()
    assert all(s.meaning and s.default for s in config.SETTINGS)


def test_an_undeclared_setting_is_refused() -> None:
    import pytest

    with pytest.raises(KeyError, match="not a declared setting"):
        config.get("SAFERPLAN_NO_SUCH_THING")


def test_the_readme_tables_are_generated_from_the_declarations() -> None:
    text = README.read_text()
    assert config.settings_table() in text
    assert kinds_table() in text


def test_every_declared_kind_has_its_importer_and_the_cli_lists_it() -> None:
    from typer.testing import CliRunner

    from saferplan.cli.main import app
    from saferplan.datastore.importing import importers

    assert list(importers())[: len(KINDS)] == [k.kind for k in KINDS]
    help_text = CliRunner().invoke(app, ["import", "--help"], terminal_width=400).output
    for kind in KINDS:
        assert kind.kind in help_text
