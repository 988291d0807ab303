"""The indicator registry: every figure the code computes is declared, with a definition,
and ``saferplan definitions`` prints it as documented."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.cli.main import app
from saferplan.indicators import registry
from saferplan.youthjustice import service
from saferplan.youthjustice.synth import generate_cohort

COMPUTED_GROUPS = ("youth justice", "youth justice KPI", "cohort profile")


def computed_keys() -> set[str]:
    """The keys the real computations produce, on a synthetic cohort: the national
    indicators, the KPIs with their breakdowns and the cohort profile."""
    records = service.Records(generate_cohort(children=300, seed=11).tables())
    keys = {r.indicator for r in service.indicators_for("2018-19", 20_000, records)}
    keys |= {r.indicator for r in service.kpis_for("2019-20", 20_000, records)}
    return keys | {r.key for r in service.profile_for("2018-19", records)}


@pytest.mark.django_db  # the board attendance KPI reads the meetings recorded, if any
def test_every_computed_indicator_is_declared_with_a_definition() -> None:
    computed = computed_keys()
    declared = {d.key for d in registry.in_groups(*COMPUTED_GROUPS)}
    assert computed - declared == set(), "computed but not in registry.toml"
    assert declared - computed == set(), "declared but never computed"
    for key in computed:
        found = registry.get(key)
        assert len(found.definition) > 30 and found.label and found.unit, key
        assert found.source and found.scale > 0, key


def test_the_local_figures_are_declared_too() -> None:
    from saferplan.youthjustice.tracker import TrackerMonth

    assert TrackerMonth(date(2019, 6, 30), 3, 1, 1).rate_so_far == 33.33
    assert registry.get("disproportionality_rri").definition
    for key in registry.charts():
        assert registry.get(key).group == "youth justice"


def test_each_crime_figure_of_the_assessment_has_a_key() -> None:
    # The figures of a theme section in the assessment's bundle (reports/bundle.py).
    bundle = ["count", "rate", "count_change", "pct_change", "rate_change", "rank_count",
              "rank_rate", "rate_change_quartile", "rolling_12", "seasonality", "harm",
              "harm_coverage"]  # fmt: skip
    crime = {d.key for d in registry.in_groups("crime")}
    assert {f"crime_{name}" for name in bundle} <= crime


def test_a_definition_left_out_fails_on_load(tmp_path: Path, monkeypatch) -> None:
    text = registry.REGISTRY_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "registry.toml"
    broken.write_text(text.replace('definition = "Of the victims contacted', 'x = "', 1))
    monkeypatch.setattr(registry, "REGISTRY_FILE", broken)
    registry.registry.cache_clear()
    try:
        with pytest.raises(registry.RegistryError, match="kpi_victims_offered_rj"):
            registry.registry()
    finally:
        monkeypatch.undo()
        registry.registry.cache_clear()


def test_definitions_command_prints_the_documented_columns() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["definitions", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["key", "label", "unit", "scale", "direction", "definition", "source"]
    assert len(rows) == len(registry.registry())
    fte = next(r for r in rows if r["key"] == "first_time_entrants")
    assert (fte["unit"], fte["scale"], fte["direction"]) == (
        "per 100,000 aged 10-17",
        "100000",
        "lower",
    )
    as_json = json.loads(runner.invoke(app, ["definitions", "--format", "json"]).stdout)
    assert [d["key"] for d in as_json] == [r["key"] for r in rows]
    markdown = runner.invoke(app, ["definitions", "--format", "markdown", "--group", "crime"])
    lines = markdown.stdout.splitlines()
    assert lines[0] == "| key | label | unit | scale | direction | definition | source |"
    assert len(lines) == 2 + len(registry.in_groups("crime"))
    assert runner.invoke(app, ["definitions", "--format", "pdf"]).exit_code != 0


def test_methods_text_and_cli_help_come_from_the_registry() -> None:
    pairs = registry.methods(["youth justice"])
    assert pairs[0] == (registry.label("first_time_entrants"),
                        registry.get("first_time_entrants").definition)  # fmt: skip
    help_text = (
        CliRunner().invoke(app, ["youthjustice", "indicators", "--help"], terminal_width=400).output
    )
    for d in registry.in_groups("youth justice", "youth justice KPI"):
        assert d.key in help_text.replace("\n", " ").replace(" ", "") or d.key in help_text
