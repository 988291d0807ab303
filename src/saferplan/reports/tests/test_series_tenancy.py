"""A partnership's series is its own: each of two partnerships imports an extract for the
same borough, and its assessment and ``stats compare`` see its figures and never the other's
(issue #11.21, ADR 0007)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from saferplan.demo import DATA

HEADER = "area_code,area_name,level,month,measure,count\n"
MONTHLY = {"A": 10, "B": 20}  # knife crimes a month in each partnership's extract


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SAFERPLAN_THEMES")}
    env["SAFERPLAN_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "saferplan", *args], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _extract(folder: Path, name: str) -> Path:
    rows = "".join(
        f"E09000015,Harrow,borough,{y}-{m:02d},Knife crime,{MONTHLY[name]}\n"
        for y in (2021, 2022)
        for m in range(1, 13)
    )
    path = folder / f"extract-{name}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Borough counts and estimates (open data), and two partnerships with an extract each."""
    folder = tmp_path_factory.mktemp("series-tenancy")
    for kind, path, extra in (
        ("population", DATA / "population_yearly" / "london_borough_population_2009-2021.csv",
         ["--name", "ONS yearly"]),
        ("mps", DATA / "mps_borough_monthly_2010-04_2021-11.csv", []),
        ("mps", DATA / "mps_borough_monthly_2021-12_2023-11.csv", []),
    ):  # fmt: skip
        _ok(_cli(folder, "import", kind, str(path), *extra))
    for name in MONTHLY:
        _ok(_cli(folder, "accounts", "partnership", name, "--area", "Harrow", "--comparators",
                 "Barnet"))  # fmt: skip
        _ok(_cli(folder, "import", "series", str(_extract(folder, name)), "--partnership", name))
    return folder


@pytest.mark.parametrize("name", sorted(MONTHLY))
def test_stats_compare_sees_only_the_partnerships_own_series(data: Path, name: str) -> None:
    out = _ok(_cli(data, "stats", "compare", "--area", "Harrow", "--theme", "knife-crime",
                   "--period", "2022", "--comparators", "Barnet", "--partnership", name,
                   "--format", "csv"))  # fmt: skip
    lines = out.strip().splitlines()
    assert len(lines) == 2  # Barnet: not in the extract, so left out
    harrow = lines[1].split(",")
    assert harrow[:4] == ["Harrow", str(12 * MONTHLY[name]), harrow[2], str(12 * MONTHLY[name])]
    payload = json.loads(_ok(_cli(data, "stats", "compare", "--area", "Harrow", "--theme",
                                  "knife-crime", "--period", "2022", "--comparators", "Barnet",
                                  "--partnership", name, "--format", "json")))  # fmt: skip
    assert payload["comparators_left_out"] == ["Barnet"]
    assert [Path(i["file"]).name for i in payload["imports"]] == [f"extract-{name}.csv"]


def test_outside_any_partnership_no_series_is_seen(data: Path) -> None:
    refused = _cli(data, "stats", "compare", "--area", "Harrow", "--theme", "knife-crime",
                   "--period", "2022")  # fmt: skip
    assert refused.returncode == 1
    assert "counted from a partnership's own extracts" in refused.stderr


@pytest.mark.parametrize("name", sorted(MONTHLY))
def test_each_assessment_has_its_own_series_and_no_other(
    data: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    _ok(_cli(data, "report", "strategic-assessment", "--partnership", name, "--year", "2022",
             "--themes", "total,knife-crime", "--out", str(out)))  # fmt: skip
    bundle = json.loads((out / "figures.json").read_text())
    knife = next(t for t in bundle["themes"] if t["key"] == "knife-crime")
    assert (knife["table"][0]["count_period"], knife["table"][0]["count_baseline"]) == (
        12 * MONTHLY[name], 12 * MONTHLY[name])  # fmt: skip
    files = {p["file"] for p in bundle["provenance"]}
    other = next(n for n in MONTHLY if n != name)
    assert f"extract-{name}.csv" in files and f"extract-{other}.csv" not in files
    html = (out / "strategic-assessment.html").read_text()
    assert f"extract-{other}.csv" not in html
    assert "Knife crime" in html and f"{12 * MONTHLY[other]:,} offences" not in html
