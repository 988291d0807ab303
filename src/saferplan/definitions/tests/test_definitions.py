"""A partnership's own themes and comparator groups: checked as the files are, versioned,
and used by its builds and statistics only."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saferplan.accounts.management import known_names
from saferplan.accounts.models import AuditEvent, Partnership
from saferplan.cli.main import app
from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.crime.groups import parse_comparator_groups
from saferplan.crime.themes import load_themes, parse_themes
from saferplan.definitions import service
from saferplan.definitions.models import DefinitionVersion
from saferplan.demo import DATA

pytestmark = pytest.mark.django_db

OWN_THEME = """
[themes.robbery-own]
title = "Robbery (our own theme)"
group = "high harm"
direction = "down"
definition = "Robbery of personal property and of business property."
mps = { include = ["Robbery"] }
"""
# (TOML, what the error says): bad syntax names the line, bad values the theme and key.
BAD_THEMES = [
    ('[themes.a]\ntitle = "A"\ngroup = high\n', "line 3"),
    ('[themes.a]\ntitle = "A"\ngroup = "high harm"\ndirection = "sideways"\n'
     'definition = "d"\nmps = { include = ["Robbery"] }\n',
     "theme 'a': direction must be 'down' or 'up'"),
    ('[themes.a]\ntitle = "A"\ngroup = "high harm"\ndirection = "down"\n', "theme 'a' has no 'definition'"),
    ('[themes.a]\ntitle = "A"\ngroup = "high harm"\ndirection = "down"\ndefinition = "d"\n'
     'mps = { include = "Robbery" }\n', "theme 'a': 'mps.include' must be a list"),
    ('[themes.a]\ntitle = "A"\ngroup = "high harm"\ndirection = "down"\ndefinition = "d"\n'
     'mps = { include = ["Robbery"] }\n[groups.g]\ntitle = "G"\nthemes = ["b"]\n',
     "group 'g' names unknown themes ['b']"),
]  # fmt: skip


@pytest.fixture
def app_data(demo_warehouse, monkeypatch, tmp_path) -> Path:
    """The demo partnership over the demo warehouse, its editions kept in the test's folder
    (as the app's build tests set it up)."""
    from saferplan.editions.tests.samples import editions_in
    from saferplan.plans.demo import load_demo_partnership
    from saferplan.reports import build

    load_demo_partnership()
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    records = demo_warehouse.import_records
    monkeypatch.setattr(build, "provenance", lambda ids: build.provenance_from(records, ids))
    return editions_in(monkeypatch, tmp_path / "editions")


def _partnership(name: str) -> Partnership:
    return Partnership.objects.create(name=name, areas=["Harrow"], comparators=["Barnet"])


def raw_count(area: str, major: str, months: list[str]) -> int:
    """Crimes of a major category in an area over months, summed from the raw MPS CSV."""
    path = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(int(row[m]) for row in csv.DictReader(f)
                   if row["LookUp_BoroughName"] == area and row["MajorText"] == major
                   for m in months)  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_THEMES)
def test_text_and_file_give_the_same_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SaferplanError) as from_file:
        load_themes(path)
    with pytest.raises(SaferplanError) as from_text:
        parse_themes(text, "themes.toml")
    assert from_file.value.message == from_text.value.message
    assert message in from_text.value.message


def test_a_bad_save_keeps_nothing_and_says_the_same_as_the_file(tmp_path: Path) -> None:
    owner = _partnership("Safer Harrow")
    text, message = BAD_THEMES[0]
    with pytest.raises(SaferplanError, match=message):
        service.save(owner, "themes", text)
    assert not DefinitionVersion.objects.exists() and not AuditEvent.objects.exists()
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    out = CliRunner().invoke(app, ["accounts", "themes", "--partnership", "Safer Harrow",
                                   "--set", str(tmp_path / "bad.toml")])  # fmt: skip
    assert out.exit_code != 0 and "line 3" in out.output
    assert not DefinitionVersion.objects.exists()


def test_comparator_groups_are_checked_as_the_file_and_against_the_areas(demo_warehouse) -> None:
    shipped = service.shipped_text("comparators")
    assert parse_comparator_groups(shipped) == service.shipped_comparator_groups()
    with pytest.raises(SaferplanError, match="group 'G': 'members' must be"):
        parse_comparator_groups('[groups.G]\ntitle = "G"\nmembers = "Barnet"\n')
    owner = _partnership("Safer Harrow")
    typo = '[groups."Near"]\ntitle = "Near"\nmembers = ["Barnet", "Brentt"]\n'
    with pytest.raises(SaferplanError, match="'Brentt', which is not a borough") as refused:
        service.save(owner, "comparators", typo, con=demo_warehouse.connect())
    assert (refused.value.hint or "").startswith("Did you mean Brent")
    assert not DefinitionVersion.objects.exists()


def test_every_save_is_a_version_and_the_latest_is_in_force() -> None:
    owner = _partnership("Safer Harrow")
    assert service.themes_for(owner) == load_themes()  # none saved: the shipped file
    first = service.save(owner, "themes", service.shipped_text("themes") + OWN_THEME, note="ours")
    assert service.themes_for(owner).get("robbery-own").title == "Robbery (our own theme)"
    second = service.save(owner, "themes", OWN_THEME, note="only ours")
    assert list(service.themes_for(owner).themes) == ["robbery-own"]
    restored = service.restore_defaults(owner, "themes")
    assert service.themes_for(owner).themes == load_themes().themes
    assert service.history(owner, "themes") == [restored, second, first]
    assert second.sha256 == hashlib.sha256(OWN_THEME.encode()).hexdigest()
    assert [v.note for v in (first, second)] == ["ours", "only ours"] and restored.is_default
    assert AuditEvent.objects.filter(model="definitions.DefinitionVersion").count() == 3


def test_a_build_uses_its_partnerships_themes_and_no_other(demo_warehouse) -> None:
    from saferplan.reports.assessment import build_assessment

    mine, theirs = _partnership("Safer Harrow"), _partnership("Safer Brent")
    text = service.shipped_text("themes") + OWN_THEME
    service.save(mine, "themes", text)
    con = demo_warehouse.connect()
    with service.in_force(mine) as book:
        a = build_assessment(con, book, "Harrow", "2019", ["Barnet"], themes=["robbery-own"])
    months = [f"2019{m:02d}" for m in range(1, 13)]
    assert a.sections[0].subject.count_period == raw_count("Harrow", "Robbery", months)
    assert a.definitions["themes_sha256"] == service.sha256(text)
    assert a.definitions["comparators_sha256"] == service.sha256(
        service.shipped_text("comparators")
    )
    with service.in_force(theirs) as book, pytest.raises(NotFoundError):
        build_assessment(con, book, "Harrow", "2019", ["Barnet"], themes=["robbery-own"])


def test_stats_and_settings_use_the_partnerships_groups(demo_warehouse, monkeypatch) -> None:
    monkeypatch.setattr("saferplan.datastore.warehouse.Warehouse", lambda *a, **k: demo_warehouse)
    mine, theirs = _partnership("Safer Harrow"), _partnership("Safer Brent")
    group = '[groups."Near Harrow"]\ntitle = "Near Harrow"\nmembers = ["Barnet", "Brent"]\n'
    service.save(mine, "comparators", group)
    args = ["stats", "compare", "--area", "Harrow", "--theme", "burglary", "--period", "2019",
            "--comparators", "Near Harrow", "--format", "json"]  # fmt: skip
    out = CliRunner().invoke(app, [*args, "--partnership", "Safer Harrow"])
    assert out.exit_code == 0, out.output
    rows = {r["area"]: r for r in json.loads(out.output)["rows"]}
    months = [f"2019{m:02d}" for m in range(1, 13)]
    expected = raw_count("Barnet", "Burglary", months) + raw_count("Brent", "Burglary", months)
    assert rows["Near Harrow"]["count_period"] == expected
    refused = CliRunner().invoke(app, [*args, "--partnership", "Safer Brent"])
    assert refused.exit_code != 0 and "Near Harrow" in refused.output
    con = demo_warehouse.connect()
    assert "Near Harrow" in known_names(con, mine).groups
    assert "Near Harrow" not in known_names(con, theirs).groups


def test_the_command_line_sets_shows_and_restores(tmp_path: Path) -> None:
    _partnership("Safer Harrow")
    path = tmp_path / "ours.toml"
    path.write_text(OWN_THEME, encoding="utf-8")
    base = ["accounts", "themes", "--partnership", "Safer Harrow"]
    saved = CliRunner().invoke(app, [*base, "--set", str(path), "--note", "just one"])
    assert saved.exit_code == 0, saved.output
    assert CliRunner().invoke(app, [*base, "--show"]).output.startswith(OWN_THEME)
    version = DefinitionVersion.objects.get()
    assert (version.note, version.actor.endswith("(cli)")) == ("just one", True)
    assert CliRunner().invoke(app, [*base, "--restore-defaults"]).exit_code == 0
    assert (
        CliRunner().invoke(app, [*base, "--show"]).output.startswith(service.shipped_text("themes"))
    )


def test_the_apps_build_job_uses_and_records_the_partnerships_own(app_data) -> None:
    """The job's edition counts the partnership's own theme against its own group, and its
    figures name the SHA-256 of both files."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.jobs.context import JobContext
    from saferplan.plans.demo import demo_partnership
    from saferplan.reports.jobs import KIND, build_strategic_assessment

    owner = demo_partnership()
    themes = service.shipped_text("themes") + OWN_THEME
    # The shipped groups kept: the demo's settings name London, which cannot be dropped.
    groups = service.shipped_text("comparators")
    groups += '[groups."Near Harrow"]\ntitle = "Near Harrow"\nmembers = ["Barnet", "Brent"]\n'
    service.save(owner, "themes", themes)
    service.save(owner, "comparators", groups)
    arguments = {"area": "Harrow", "year": "2018", "comparators": ["Near Harrow"],
                 "edition": "public", "themes": ["robbery-own"]}  # fmt: skip
    context = JobContext(1, KIND, arguments, partnership=owner, requested_by="admin")
    with partnership_scope(owner):
        build_strategic_assessment(context, **arguments)
    (figures,) = app_data.rglob("figures.json")
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["definitions"] == {"themes_sha256": service.sha256(themes),
                                   "comparators_sha256": service.sha256(groups)}  # fmt: skip
    months = [f"2018{m:02d}" for m in range(1, 13)]
    rows = {r["area"]: r["count_period"] for r in data["themes"][0]["table"]}
    assert rows["Harrow"] == raw_count("Harrow", "Robbery", months)
    assert rows["Near Harrow"] == sum(raw_count(a, "Robbery", months) for a in ("Barnet", "Brent"))


def test_the_command_lines_build_uses_and_records_the_partnerships_own(app_data, tmp_path) -> None:
    from saferplan.plans.demo import demo_partnership

    owner = demo_partnership()
    themes = service.shipped_text("themes") + OWN_THEME
    service.save(owner, "themes", themes)
    out = CliRunner().invoke(app, ["report", "strategic-assessment", "--partnership", owner.name,
                                   "--year", "2018", "--area", "Harrow", "--comparators", "Barnet",
                                   "--themes", "robbery-own", "--out", str(tmp_path / "out")])  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads((tmp_path / "out" / "figures.json").read_text(encoding="utf-8"))
    assert data["definitions"]["themes_sha256"] == service.sha256(themes)
    months = [f"2018{m:02d}" for m in range(1, 13)]
    assert data["themes"][0]["table"][0]["count_period"] == raw_count("Harrow", "Robbery", months)


def test_a_plan_measure_counts_its_partnerships_own_theme(demo_warehouse) -> None:
    """A delivery plan's outcome measure bound to a theme the partnership keeps for itself
    is computed from it (the measure read the shipped themes only: 'no theme called')."""
    from saferplan.plans.measures import compute_actual
    from saferplan.plans.models import Measure, Objective, Priority, StrategyYear

    mine = _partnership("Safer Harrow")
    service.save(mine, "themes", service.shipped_text("themes") + OWN_THEME)
    year = StrategyYear.objects.create(partnership=mine, label="2019/20")
    objective = Objective.objects.create(
        priority=Priority.objects.create(year=year, name="Robbery"), code="R1", heading="R"
    )
    measure = Measure.objects.create(objective=objective, name="Robberies in Harrow",
                                     theme="robbery-own", area="Harrow")  # fmt: skip
    actual = compute_actual(demo_warehouse.connect(), measure, "2019")
    months = [f"2019{m:02d}" for m in range(1, 13)]
    assert int(actual.value) == raw_count("Harrow", "Robbery", months)
