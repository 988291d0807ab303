"""``saferplan report``: a build that would say nothing stops, loudly, and writes nothing.

#11.1: a comparator typo, a year after the data, or a year the data ends in the middle of,
each wrote a 5-page document with no themes, printed "Written…" and exited 0, and the check
said OK; for 2023 it said there was no data for 2022 either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from saferplan.demo import DATA


def _cli(
    data: Path, *args: str, themes: Path | None = None, drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    unwanted = ("DATABASE_URL", "SAFERPLAN_THEMES", *drop)
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env["SAFERPLAN_DATA"] = str(data)
    if themes is not None:
        env["SAFERPLAN_THEMES"] = str(themes)
    return subprocess.run([sys.executable, "-m", "saferplan", *args], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A data directory with the borough counts and the population, imported by the CLI."""
    folder = tmp_path_factory.mktemp("cli-report-data")
    for kind, path in (("population", DATA / "lsoa_population_mid2019.csv"),
                       ("mps", DATA / "mps_borough_monthly_2010-04_2021-11.csv"),
                       ("mps", DATA / "mps_borough_monthly_2021-12_2023-11.csv")):  # fmt: skip
        extra = (
            ["--name", "ONS mid-2019 LSOA estimates", "--year", "2019"]
            if kind == "population"
            else []
        )
        result = _cli(folder, "import", kind, str(path), *extra)
        assert result.returncode == 0, result.stderr
    return folder


def _refused(result: subprocess.CompletedProcess[str], out: Path) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Written" not in result.stdout and "Traceback" not in result.stderr
    assert not out.exists() or not list(out.glob("strategic-assessment.*"))
    return " ".join(result.stderr.split())


def test_an_unknown_comparator_stops_the_build(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--area", "Havering", "--year", "2019",
                  "--comparators", "Redbrige,London", "--out", str(out))  # fmt: skip
    message = _refused(result, out)
    assert "no borough area called 'Redbrige'" in message and "Did you mean Redbridge?" in message


def test_an_unknown_area_stops_the_build(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Haverin", "--year", "2019",
                  "--out", str(out))  # fmt: skip
    assert "Did you mean Havering or Haringey?" in _refused(result, out)


def test_a_year_after_the_data_stops_the_build(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Havering", "--year", "2025",
                  "--out", str(out))  # fmt: skip
    message = _refused(result, out)
    assert "no crime data by borough for Havering for 2025 and 2024" in message
    assert "covers 2010-04 to 2023-11" in message


def test_a_year_the_data_ends_in_names_only_what_is_missing(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Havering", "--year", "2023",
                  "--out", str(out))  # fmt: skip
    message = _refused(result, out)
    assert "for Havering for 2023 (2023-12 missing)" in message
    assert "2022" not in message


def test_a_theme_asked_for_without_figures_stops_the_build(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Havering", "--year", "2019",
                  "--themes", "total,asb", "--out", str(out))  # fmt: skip
    message = _refused(result, out)
    assert "a theme asked for has no figures" in message and "Anti-social behaviour" in message


def test_an_unknown_edition_stops_the_build(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    result = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Havering", "--year", "2019",
                  "--edition", "internal", "--out", str(out))  # fmt: skip
    assert "unknown edition 'internal'" in _refused(result, out)


def test_a_good_build_says_what_it_left_out_and_check_reads_the_documents(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "good"
    result = _cli(data, "report", "strategic-assessment", "--area", "Havering", "--year", "2019",
                  "--themes", "total,burglary", "--comparators", "Redbridge,London",
                  "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Written the Havering Strategic Assessment 2019" in result.stdout
    checked = _cli(data, "report", "check", str(out))
    assert checked.returncode == 0 and "OK" in checked.stdout
    html = out / "strategic-assessment.html"
    html.write_text(html.read_text().replace("the number rose", "the number fell", 1))
    checked = _cli(data, "report", "check", str(out))
    assert checked.returncode == 1
    assert "strategic-assessment.html" in checked.stderr and "fell" in checked.stderr
    # Every theme of a themes file, when one has no figures: built, and the user is told.
    book = tomllib.loads((Path(__file__).parents[2] / "crime" / "themes.toml").read_text())
    two = tmp_path / "themes.toml"
    two.write_text("".join(f"[themes.{key}]\n" + "".join(
        f"{k} = {json.dumps(v) if not isinstance(v, dict) else _inline(v)}\n"
        for k, v in book["themes"][key].items()) for key in ("total", "asb")))  # fmt: skip
    everything = _cli(data, "report", "strategic-assessment", "--comparators", "London", "--area", "Havering", "--year",
                      "2019", "--out", str(tmp_path / "all"), themes=two)  # fmt: skip
    assert everything.returncode == 0, everything.stderr
    assert "Left out Anti-social behaviour" in " ".join(everything.stderr.split())


def _inline(table: dict) -> str:
    return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in table.items()) + " }"


def test_the_command_sets_django_up_itself(data: Path, tmp_path: Path) -> None:
    """Run as people run it (no DJANGO_SETTINGS_MODULE from the test run), the build imported
    the partnership model before Django was set up, and stopped with ImproperlyConfigured."""
    out = tmp_path / "plain"
    result = _cli(data, "report", "strategic-assessment", "--area", "Havering", "--year", "2019",
                  "--themes", "total", "--comparators", "Redbridge", "--out", str(out),
                  drop=("DJANGO_SETTINGS_MODULE",))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Written the Havering Strategic Assessment 2019" in result.stdout
