"""The raw files the re-computation reads, read with pandas and nothing of saferplan's.

Themes and comparator groups come from their TOML files; counts, populations, the synthetic
extract, the ward lookup and boundaries from the bundled CSVs. The rules the figures follow
(rates half-up to 2 decimals, suppression to "<5" and fives, each area's population for the
period's year else the nearest earlier else the nearest later) are written out again here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from saferplan.demo import DATA

SRC = Path(__file__).resolve().parents[2]
BOROUGH_FILES = (
    "mps_borough_monthly_2010-04_2021-11.csv",
    "mps_borough_monthly_2021-12_2023-11.csv",
)
# The ward files of each vintage, in the order the demo imports them (a later file's month
# replaces an earlier one's).
WARD_FILES = {
    "2018": (
        "ward_2018/mps_ward_monthly_2017-08_2019-07_wards2018.csv",
        "ward_2018/mps_ward_monthly_2020-04_2022-03_wards2018.csv",
        "ward_2018/mps_ward_monthly_2020-09_2022-08_wards2018.csv",
    ),
    "2022": ("mps_ward_monthly_2021-12_2023-11.csv",),
}
SWITCH = date(2021, 12, 1)  # the first month of the 2022-ward figures
POPULATION_FILE = "lsoa_population_mid2019.csv"
YEARLY_FILE = "population_yearly/london_borough_population_2009-2021.csv"
SERIES_FILE = "synthetic/harrow-police-extract-SYNTHETIC.csv"
LOOKUP_FILE = "ward_2018/lsoa2011_ward2018_best_fit.csv"
WARD_BOUNDARIES = "ward_2018/london_wards_2018_bng.csv"
POLICE_FILE = "police_uk/harrow-2018-06-street.csv"
BOUNDARY_FILES = ("lsoa2011_boundaries_bng.csv", "borough_boundaries/london-2021-lad22-gen20.shp")
LSOA_FILES = {  # file -> (major, minor): the MPS categories each annual LSOA file holds
    "london-2011-2021-major-arson.csv": ("Arson and Criminal Damage", None),
    "london-2011-2021-major-burglary.csv": ("Burglary", None),
    "london-2011-2021-major-drugs.csv": ("Drug Offences", None),
    "london-2011-2021-major-misc.csv": ("Miscellaneous Crimes Against Society", None),
    "london-2011-2021-major-public-order.csv": ("Public Order Offences", None),
    "london-2011-2021-major-robbery.csv": ("Robbery", None),
    "london-2011-2021-major-sexual.csv": ("Sexual Offences", None),
    "london-2011-2021-major-theft-all.csv": ("Theft", None),
    "london-2011-2021-major-vehicle-offences.csv": ("Vehicle Offences", None),
    "london-2011-2021-major-violence.csv": ("Violence Against the Person", None),
    "london-2011-2021-major-weapons.csv": ("Possession of Weapons", None),
    "london-2011-2021-minor-theft-bicycle.csv": ("Theft", "Bicycle Theft"),
    "london-2011-2021-minor-theft-vehicle.csv": (
        "Vehicle Offences",
        "Theft or Taking of a Motor Vehicle",
    ),
}
NO_RESIDENTS = {"London Heathrow and London City Airports", "Aviation Security (SO18)"}


def half_up(value: Fraction | Decimal, places: int) -> Decimal:
    d = (
        value
        if isinstance(value, Decimal)
        else Decimal(value.numerator) / Decimal(value.denominator)
    )
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def rate(count: int, population: int | None) -> Decimal | None:
    return None if not population else half_up(Fraction(count * 1000, population), 2)


def shown(count: int, below: int, step: int) -> str:
    """The public rule, written out again: 1 to below-1 as '<below', others to the nearest step."""
    if count == 0:
        return "0"
    if count < below:
        return f"<{below}"
    return f"{int((Decimal(count) / step).quantize(Decimal(1), ROUND_HALF_UP)) * step:,}"


def nearest(years: Mapping[int, int], year: int) -> tuple[int, int] | None:
    """(year, value) by the stated rule: that year, else the nearest earlier, else later."""
    if not years:
        return None
    if year in years:
        return year, years[year]
    earlier = [y for y in years if y < year]
    chosen = max(earlier) if earlier else min(years)
    return chosen, years[chosen]


def months_of(p: Mapping[str, str]) -> list[date]:
    first, last = date.fromisoformat(p["first"]), date.fromisoformat(p["last"])
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


@cache
def themes() -> dict[str, Any]:
    return tomllib.loads((SRC / "crime" / "themes.toml").read_text())["themes"]


@cache
def groups() -> dict[str, Any]:
    return tomllib.loads((SRC / "crime" / "comparators.toml").read_text())["groups"]


def _month_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.isdigit() and len(c) == 6]


def _long(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.melt(id_vars=keys, value_vars=_month_columns(frame), var_name="ym", value_name="n")
    out["month"] = [date(int(x[:4]), int(x[4:]), 1) for x in out["ym"]]
    return out.drop(columns="ym")


@cache
def boroughs() -> pd.DataFrame:
    frames = [pd.read_csv(DATA / f, dtype={"MinorText": str}) for f in BOROUGH_FILES]
    keys = ["MajorText", "MinorText", "LookUp_BoroughName"]
    return pd.concat([_long(f, keys) for f in frames], ignore_index=True)


@cache
def wards(vintage: str) -> pd.DataFrame:
    """The vintage's ward figures; a month in two files comes from the later one."""
    keys = ["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"]
    frames = []
    for name in WARD_FILES[vintage]:
        f = _long(pd.read_csv(DATA / name), keys)
        f["file"] = name
        frames.append(f)
    every = pd.concat(frames, ignore_index=True)
    last = every.groupby("month")["file"].agg(lambda files: sorted(files, key=_file_order)[-1])
    return every[every["file"] == every["month"].map(last)]


def _file_order(name: str) -> int:
    return next(i for files in WARD_FILES.values() for i, f in enumerate(files) if f == name)


@cache
def lsoas() -> pd.DataFrame:
    frames = []
    for name, (major, minor) in LSOA_FILES.items():
        f = pd.read_csv(DATA / "lsoa_annual_by_major_category" / name)
        f = f.melt(id_vars=["LSOA11CD", "LSOA11NM", "LAD11NM"],
                   value_vars=[c for c in f.columns if c.isdigit()], var_name="year", value_name="n")  # fmt: skip
        f["year"], f["n"] = f["year"].astype(int), f["n"].astype(int)
        f["MajorText"], f["MinorText"], f["file"] = major, minor, name
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


@cache
def lsoa_population() -> pd.DataFrame:
    return pd.read_csv(DATA / POPULATION_FILE)[["LSOA11CD", "LAD11NM", "Persons_All-Ages"]]


@cache
def yearly() -> dict[str, dict[int, int]]:
    """Each borough's all-ages estimate by year."""
    f = pd.read_csv(DATA / YEARLY_FILE)
    f = f[f["age_band"] == "all"]
    out: dict[str, dict[int, int]] = {}
    for name, year, value in zip(f["area_name"], f["year"], f["population"], strict=True):
        out.setdefault(name, {})[int(year)] = int(value)
    return out


@cache
def lookup() -> pd.DataFrame:
    """The best-fit lookup: each 2011 LSOA's 2018 ward."""
    return pd.read_csv(DATA / LOOKUP_FILE)


@cache
def ward_population() -> dict[str, int]:
    """Each 2018 ward's residents: its LSOAs' mid-2019 estimates, through the lookup."""
    joined = lookup().merge(lsoa_population(), on="LSOA11CD")
    return {k: int(v) for k, v in joined.groupby("WD18CD")["Persons_All-Ages"].sum().items()}


@cache
def ward_boundary_codes() -> frozenset[str]:
    return frozenset(pd.read_csv(DATA / WARD_BOUNDARIES, usecols=["WD18CD"])["WD18CD"])


@cache
def series() -> pd.DataFrame:
    f = pd.read_csv(DATA / SERIES_FILE)
    f["month"] = [date(int(m[:4]), int(m[5:]), 1) for m in f["month"]]
    return f


def vintage_codes(vintage: str, area: str) -> set[str]:
    """The ward codes of a vintage within a borough: from its ward files, and for the 2018
    wards from the lookup too."""
    w = wards(vintage)
    codes = set(w[w["LookUp_BoroughName"] == area]["WardCode"])
    if vintage == "2018":
        codes |= set(lookup()[lookup()["LAD11NM"] == area]["WD18CD"])
    return codes


def _selector(selector: str, frame: pd.DataFrame) -> pd.Series:
    if selector == "*":
        return pd.Series(True, index=frame.index)
    major, _, minor = (s.strip() for s in selector.partition("/"))
    mask = frame["MajorText"] == major
    return mask & (frame["MinorText"].fillna("") == minor) if minor else mask


def select(frame: pd.DataFrame, spec: Mapping[str, Any], lsoa_file: bool = False) -> pd.DataFrame:
    """The rows a theme's filter for one source takes (include, then exclude)."""
    mask = pd.Series(False, index=frame.index)
    for selector in spec["include"]:
        mask |= _selector(selector, frame)
    for selector in spec.get("exclude", []):
        mask &= ~_selector(selector, frame)
    if lsoa_file and not any("/" in s for s in spec["include"]):
        mask &= frame["MinorText"].isna()
    return frame[mask]


def measures(frame: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """A series' rows of the theme's measures (named without regard to case)."""
    wanted = {m.lower() for m in spec["include"]}
    return frame[frame["measure"].str.lower().isin(wanted)]
