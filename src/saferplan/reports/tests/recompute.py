"""Every figure of a built assessment, worked again from the raw files alone.

Independent of saferplan's queries, statistics and report code: the bundled CSVs are read
with pandas, themes and comparator groups from their TOML files, and the definitions (rates
half-up to 2 decimals, ranks on unrounded rates, the 36-month seasonality, suppression to
"<5" and fives) are written out again here. ``recompute(bundle)`` lists every figure of the
bundle that the raw files do not give.
"""

from __future__ import annotations

import hashlib
import math
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
WARD_FILE = "mps_ward_monthly_2021-12_2023-11.csv"
POPULATION_FILE = "lsoa_population_mid2019.csv"
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
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


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
def wards() -> pd.DataFrame:
    keys = ["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"]
    return _long(pd.read_csv(DATA / WARD_FILE), keys)


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
def borough_population() -> dict[str, int]:
    return {
        k: int(v) for k, v in lsoa_population().groupby("LAD11NM")["Persons_All-Ages"].sum().items()
    }


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


def months_of(p: Mapping[str, str]) -> list[date]:
    first, last = date.fromisoformat(p["first"]), date.fromisoformat(p["last"])
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


class Recompute:
    """One bundle against the raw files; ``problems`` collects every disagreement."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.b = bundle
        self.area = bundle["area"]
        self.period, self.baseline = months_of(bundle["period"]), months_of(bundle["baseline"])
        s = bundle["suppression"]
        self.rule = (int(s["below"]), int(s["round_to"])) if s else None
        self.problems: list[str] = []

    def expect(self, where: str, found: Any, wanted: Any) -> None:
        if found != wanted:
            self.problems.append(
                f"{where}: the bundle has {found!r}, the raw files give {wanted!r}"
            )

    def show(self, count: int) -> str:
        return shown(count, *self.rule) if self.rule else f"{count:,}"

    # -- the comparator table and the ranking ----------------------------------------------

    def borough_counts(self, spec: Mapping[str, Any], months: list[date]) -> dict[str, int]:
        f = select(boroughs(), spec)
        f = f[f["month"].isin(months)]
        return {k: int(v) for k, v in f.groupby("LookUp_BoroughName")["n"].sum().items()}

    def table(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        now, before = (
            self.borough_counts(spec, self.period),
            self.borough_counts(spec, self.baseline),
        )
        pops = borough_population()
        for row in t["table"]:
            name = row["area"]
            group = next((g for k, g in groups().items() if k.lower() == name.lower()), None)
            members = (sorted(set(now) | set(before)) if group and group["members"] == "*"
                       else list(group["members"]) if group else [name])  # fmt: skip
            cp, cb = sum(now.get(m, 0) for m in members), sum(before.get(m, 0) for m in members)
            residents = [m for m in members if m not in NO_RESIDENTS]
            pop = sum(pops[m] for m in residents) if residents else None
            where = f"{t['title']}, {name}"
            self.expect(f"{where} counts", (row["count_period"], row["count_baseline"]), (cp, cb))
            self.expect(f"{where} population", (row["population_period"] or {}).get("value"), pop)
            self.expect(f"{where} rates", (row["rate_period"], row["rate_baseline"]),
                        (_s(rate(cp, pop)), _s(rate(cb, pop))))  # fmt: skip
            pct = None if cb == 0 else half_up(Fraction((cp - cb) * 100, cb), 1)
            self.expect(f"{where} % change", row["pct_change"], _s(pct))
        self.ranks(t, now, before)

    def ranks(self, t: Mapping[str, Any], now: dict[str, int], before: dict[str, int]) -> None:
        pops = borough_population()
        lines = {x["area"]: x for x in t["rank_table"]}
        self.expect(f"{t['title']} ranking areas", sorted(lines), sorted(set(now) | set(before)))

        def exact(counts: dict[str, int]) -> dict[str, Fraction]:
            return {a: Fraction(n * 1000, pops[a]) for a, n in counts.items()
                    if a not in NO_RESIDENTS and a in pops}  # fmt: skip

        def rank_of(values: Mapping[str, Any]) -> int | None:
            mine = values.get(self.area)
            return None if mine is None else 1 + sum(1 for v in values.values() if v > mine)

        rn, rb = exact(now), exact(before)
        self.expect(f"{t['title']} rank by count", t["rank_count"], {"period": rank_of(now),
                    "baseline": rank_of(before)})  # fmt: skip
        self.expect(f"{t['title']} rank by rate", t["rank_rate"], {"period": rank_of(rn),
                    "baseline": rank_of(rb)})  # fmt: skip
        self.expect(f"{t['title']} areas ranked", t["areas_ranked_by_rate"], len(rn))
        changes = {a: rn[a] - rb[a] for a in rn if a in rb}
        position = rank_of(changes)
        quartile = None if position is None else math.ceil(4 * position / len(changes))
        self.expect(
            f"{t['title']} quartile of the rate change", t["rate_change_quartile"], quartile
        )

    # -- the monthly series, rolling totals and seasonality ---------------------------------

    def series(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        f = select(boroughs(), spec)
        f = f[f["LookUp_BoroughName"] == self.area]
        by_month = f.groupby("month")["n"].sum()
        history = [(m, int(by_month.get(m, 0))) for m in sorted(boroughs()["month"].unique())]
        values = dict(history)
        iso = lambda ms: [[m.isoformat(), values[m]] for m in ms]  # noqa: E731
        self.expect(f"{t['title']} monthly", t["monthly"], iso(self.period))
        self.expect(f"{t['title']} monthly baseline", t["monthly_baseline"], iso(self.baseline))
        months = [m for m, _ in history]
        rolling = [[months[i].isoformat(), sum(v for _, v in history[i - 11 : i + 1])]
                   for i in range(11, len(history))]  # fmt: skip
        self.expect(f"{t['title']} rolling 12 months", t["rolling_12"], rolling)
        window = [x for x in history if x[0] <= self.period[-1]][-36:]
        mean = Fraction(sum(v for _, v in window), len(window))
        by_calendar: dict[int, list[int]] = {}
        for m, v in window:
            by_calendar.setdefault(m.month, []).append(v)
        above = [k for k, v in sorted(by_calendar.items())
                 if Fraction(sum(v), len(v)) > mean * Fraction(105, 100)]  # fmt: skip
        s = t["seasonality"]
        self.expect(f"{t['title']} seasonality", (s["average"], s["above"], s["first"], s["last"]),
                    (str(half_up(mean, 0)), above, window[0][0].isoformat(),
                     window[-1][0].isoformat()))  # fmt: skip
        for chart in t["charts"]:
            if chart["kind"] == "monthly":
                average = half_up(
                    Fraction(sum(values[m] for m in self.period), len(self.period)), 0
                )
                label = f"{self.b['period']['label']} monthly average ({average:,})"
                self.expect(f"{t['title']} monthly chart", label in chart["labels"], True)

    # -- wards, LSOAs and the map -----------------------------------------------------------

    def child_counts(self, t: Mapping[str, Any], spec: Mapping[str, Any], level: str,
                     months: list[date]) -> dict[str, tuple[str, int]]:  # fmt: skip
        if level == "ward":
            f = select(wards(), spec["mps"])
            f = f[(f["LookUp_BoroughName"] == self.area) & f["month"].isin(months)]
            g = f.groupby("WardCode").agg(name=("WardName", "first"), n=("n", "sum"))
        else:
            f = select(lsoas(), spec["lsoa-annual"], lsoa_file=True)
            f = f[(f["LAD11NM"] == self.area) & f["year"].isin({m.year for m in months})]
            g = f.groupby("LSOA11CD").agg(name=("LSOA11NM", "first"), n=("n", "sum"))
        return {code: (row["name"], int(row["n"])) for code, row in g.iterrows()}

    def child_areas(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        c = t["child_areas"]
        ward_months = set(wards()["month"])
        if "mps" in spec and set(self.period) <= ward_months:
            level = "ward"
        elif "lsoa-annual" in spec and self.b["period"]["kind"] == "calendar-year" and \
                2011 <= self.period[0].year <= 2021:  # fmt: skip
            level = "lsoa"
        else:
            self.expect(f"{t['title']} child areas", c, None)
            return
        now = self.child_counts(t, spec, level, self.period)
        if level == "ward":
            comparable = set(self.baseline) <= ward_months
        else:
            comparable = self.baseline[0].year >= 2011
        before = self.child_counts(t, spec, level, self.baseline) if comparable else None
        order = sorted(now, key=lambda k: (now[k][0], k))
        areas = [{"code": k, "name": now[k][0], "count": self.show(now[k][1]),
                  "change": None if before is None else _signed(
                      now[k][1] - before.get(k, ("", 0))[1], self.show)} for k in order]  # fmt: skip
        self.expect(f"{t['title']} {level}s", (c["level"], c["areas"]), (level, areas))
        counts = [now[k][1] for k in order]
        top = sorted(range(len(order)), key=lambda i: (-counts[i], i))[:3]
        low = sorted(range(len(order)), key=lambda i: (counts[i], i))[:3]
        self.expect(f"{t['title']} highest and lowest", (c["highest"], c["lowest"]), (top, low))
        if before is not None:
            change = [counts[i] - before.get(k, ("", 0))[1] for i, k in enumerate(order)]
            up = [
                i
                for i in sorted(range(len(order)), key=lambda i: (-change[i], i))[:3]
                if change[i] > 0
            ]
            self.expect(f"{t['title']} most increased", c["most_increased"], up)
        self.expect(f"{t['title']} {level} total", c["total"], sum(counts))
        self.left_out(t, spec, level)

    def left_out(self, t: Mapping[str, Any], spec: Mapping[str, Any], level: str) -> None:
        """Categories with offences in the borough's figure and none in the child figures."""
        b = select(boroughs(), spec["mps"])
        b = b[(b["LookUp_BoroughName"] == self.area) & b["month"].isin(self.period)]
        have = {k: int(v) for k, v in b.groupby("MajorText")["n"].sum().items() if v > 0}
        if level == "ward":
            c = select(wards(), spec["mps"])
            c = c[(c["LookUp_BoroughName"] == self.area) & c["month"].isin(self.period)]
        else:
            c = select(lsoas(), spec["lsoa-annual"], lsoa_file=True)
            c = c[(c["LAD11NM"] == self.area) & (c["year"] == self.period[0].year)]
        child = {k for k, v in c.groupby("MajorText")["n"].sum().items() if v > 0}
        missing = sorted(set(have) - child)
        found = t["child_areas"]
        self.expect(f"{t['title']} categories left out", (found["left_out"], found["left_out_count"]),
                    (missing, sum(have[m] for m in missing)))  # fmt: skip

    def lsoa_map(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        m = t["lsoa_map"]
        if "lsoa-annual" not in spec or self.b["period"]["kind"] != "calendar-year" \
                or not 2011 <= self.period[0].year <= 2021:  # fmt: skip
            self.expect(f"{t['title']} rate map", m, None)
            return
        now = self.child_counts(t, spec, "lsoa", self.period)
        pops = dict(
            zip(lsoa_population()["LSOA11CD"], lsoa_population()["Persons_All-Ages"], strict=True)
        )
        wanted = []
        for code in sorted(now):
            name, n = now[code]
            text = self.show(n)
            value = (
                None if text.startswith("<") else rate(int(text.replace(",", "")), int(pops[code]))
            )
            wanted.append({"code": code, "name": name, "population": int(pops[code]), "count": text,
                           "value": _s(value)})  # fmt: skip
        self.expect(f"{t['title']} rate map areas", m["areas"], wanted)
        self.map_classes(t, wanted)

    def map_classes(self, t: Mapping[str, Any], areas: list[dict[str, Any]]) -> None:
        """The classes: quantile edges of the mapped rates (numpy's linear quantiles); in a
        public edition moved by at most a few cents so that no edge is the rate of a hidden
        count of an area in the classes beside it."""
        import numpy as np

        rated = [a for a in areas if a["value"] is not None]
        values = np.array([float(a["value"]) for a in rated])
        raw = sorted(
            {float(half_up(Decimal(str(q)), 2)) for q in np.quantile(values, np.linspace(0, 1, 6))}
        )
        classes = [c for c in t["lsoa_map"]["classes"] if c["kind"] == "rate"]
        edges = [float(c["low"]) for c in classes] + [float(classes[-1]["high"])]
        tolerance = 0.10 if self.rule else 0.0
        self.expect(f"{t['title']} map edges near the quantiles", len(edges) == len(raw) and all(
            abs(e - r) <= tolerance + 1e-9 for e, r in zip(edges, raw, strict=True)), True)  # fmt: skip
        members = {c["low"]: set(c["codes"]) for c in classes}
        for a in rated:
            v = float(a["value"])
            i = next((j for j in range(len(edges) - 1) if v < edges[j + 1]), len(edges) - 2)
            self.expect(
                f"{t['title']} map class of {a['code']}",
                a["code"] in members[classes[i]["low"]],
                True,
            )
        if self.rule:
            self.hidden_counts(t, classes, {a["code"]: a for a in areas})

    def hidden_counts(self, t: Mapping[str, Any], classes: list[dict[str, Any]],
                      areas: dict[str, dict[str, Any]]) -> None:  # fmt: skip
        below, step = self.rule or (5, 5)
        for i, c in enumerate(classes):
            for edge, sides in ((c["low"], (i - 1, i)), (c["high"], (i, i + 1))):
                near = [
                    areas[x] for j in sides if 0 <= j < len(classes) for x in classes[j]["codes"]
                ]
                for a in near:
                    given_back = [n for n in _hidden(a["count"], below, step)
                                  if rate(n, a["population"]) == Decimal(edge)]  # fmt: skip
                    self.expect(f"{t['title']} edge {edge} against {a['code']}", given_back, [])

    # -- hot spots and provenance -----------------------------------------------------------

    def hotspots(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        h = t["hotspots"]
        if h is None:
            return
        f = pd.read_csv(DATA / POLICE_FILE)
        f = f[f["Crime type"] != "Anti-social behaviour"] if "*" in spec["police-uk"]["include"] \
            else f[f["Crime type"].isin(spec["police-uk"]["include"])]  # fmt: skip
        in_area = set(lsoa_population()[lsoa_population()["LAD11NM"] == self.area]["LSOA11CD"])
        f = f[f["LSOA code"].isin(in_area)]
        located = f.dropna(subset=["Longitude", "Latitude"])
        self.expect(
            f"{t['title']} police.uk records", (h["records"], h["located"]), (len(f), len(located))
        )

    def provenance(self) -> None:
        files = {*BOROUGH_FILES, POPULATION_FILE}
        for t in self.b["themes"]:
            spec = themes()[t["key"]]
            if t["child_areas"] and t["child_areas"]["level"] == "ward":
                files.add(WARD_FILE)
            if t["lsoa_map"] or (t["child_areas"] and t["child_areas"]["level"] == "lsoa"):
                chosen = select(
                    lsoas().drop_duplicates("file"), spec["lsoa-annual"], lsoa_file=True
                )
                files |= {f"lsoa_annual_by_major_category/{n}" for n in chosen["file"]}
            if t["hotspots"]:
                files.add(POLICE_FILE)
            if t["lsoa_map"] or t["hotspots"]:
                files |= set(BOUNDARY_FILES)
        wanted = sorted(
            (Path(f).name, hashlib.sha256((DATA / f).read_bytes()).hexdigest()) for f in files
        )
        listed = sorted((p["file"], p["sha256"]) for p in self.b["provenance"])
        self.expect("provenance", listed, wanted)

    def run(self) -> list[str]:
        for t in self.b["themes"]:
            spec = themes()[t["key"]]
            self.table(t, spec["mps"])
            self.series(t, spec["mps"])
            self.child_areas(t, spec)
            self.lsoa_map(t, spec)
            self.hotspots(t, spec)
        self.provenance()
        return self.problems


def _hidden(text: str, below: int, step: int) -> list[int]:
    """The counts a shown figure hides (every count it could be, but the one it says)."""
    if text == "0":
        return []
    if text.startswith("<"):
        return list(range(1, below))
    value = int(text.replace(",", ""))
    return [n for n in range(max(0, value - step), value + step + 1)
            if n != value and shown(n, below, step) == text]  # fmt: skip


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _signed(change: int, show: Any) -> str:
    return "0" if change == 0 else ("+" if change > 0 else "-") + show(abs(change))


def recompute(bundle: Mapping[str, Any]) -> list[str]:
    """Every figure of ``bundle`` the raw files do not give (empty: all agree)."""
    return Recompute(bundle).run()
