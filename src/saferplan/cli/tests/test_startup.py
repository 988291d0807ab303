"""Start-up stays small: a command imports only its own module, and ``stats`` no database,
dataframe, chart or Arrow library.

Each check runs a fresh interpreter, since this test process has loaded everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from saferplan.cli import main

HEAVY = ["django", "django.contrib.admin", "pandas", "matplotlib", "pyarrow", "numpy"]


def _loaded(code: str, env: dict[str, str] | None = None) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env={**os.environ, **(env or {})})  # fmt: skip
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_command_module_and_nothing_heavy() -> None:
    loaded = _loaded("import saferplan.cli.main")
    assert not loaded & {*HEAVY, "duckdb", "saferplan.cli.stats", "saferplan.cli.report"}


def test_stats_compare_loads_no_database_dataframe_chart_or_arrow(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.argv = ['saferplan', 'stats', 'compare', '--area', 'Harrow', "
        "'--period', '2018', '--format', 'csv']\nfrom saferplan.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded(code, {"SAFERPLAN_DATA": str(tmp_path)})
    assert "saferplan.cli.stats" in loaded and "duckdb" in loaded  # it did run the command
    assert not loaded & {*HEAVY, "saferplan.cli.report", "saferplan.cli.plans"}


def test_a_command_alone_in_its_app_is_still_a_subcommand() -> None:
    """`saferplan demo` registers one command only: it must not become the root command."""
    app = main.build_app(main.modules_for(["definitions"]))
    command = typer.main.get_command(app)
    assert list(getattr(command, "commands", {})) == ["definitions"]


def test_the_command_map_names_what_each_module_registers() -> None:
    registered = {}
    for module in main.COMMAND_MODULES:
        app = main.build_app((module,))
        names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
        registered.update(dict.fromkeys(names, module))
    assert registered == main.COMMANDS
    assert set(main.modules_for(["--help"])) == set(main.COMMAND_MODULES)
    assert main.modules_for(["stats", "compare"]) == ("saferplan.cli.stats",)
    assert isinstance(main.app, typer.Typer)


def test_stats_compare_as_csv_loads_no_rich(demo_warehouse) -> None:
    """Rich is for tables and messages to people: CSV out of a compare that succeeds needs none."""
    code = (
        "import sys\nsys.argv = ['saferplan', 'stats', 'compare', '--area', 'Harrow', "
        "'--period', '2018', '--comparators', 'Brent,London', '--format', 'csv']\n"
        "from saferplan.cli.main import run\ntry:\n    run()\nexcept SystemExit as exc:\n"
        "    assert not exc.code, exc.code"
    )
    loaded = _loaded(code, {"SAFERPLAN_DATA": str(demo_warehouse.root.parent)})
    assert "duckdb" in loaded and "saferplan.crime.comparisons" in loaded  # it did compare
    assert not loaded & {*HEAVY, "rich", "rich.console", "rich.table"}
