"""Every figure of a built assessment, worked again from the raw files alone.

Independent of saferplan's queries, statistics and report code: the bundled CSVs are read
with pandas (``recompute_files``), themes and comparator groups from their TOML files, and
the definitions (rates half-up to 2 decimals on each year's own population, ranks on
unrounded rates, the 36-month seasonality, the period's wards, suppression to "<5" and
fives) are written out again. ``recompute(bundle)`` lists every figure of the bundle that
the raw files do not give: the MPS themes and the partnership's series, by borough and by
ward (2018 wards from their MPS files or summed from LSOAs, 2022 wards), and the maps.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from saferplan.demo import DATA
from saferplan.reports.tests.recompute_files import (
    BOROUGH_FILES,
    BOUNDARY_FILES,
    LOOKUP_FILE,
    NO_RESIDENTS,
    POLICE_FILE,
    POPULATION_FILE,
    SERIES_FILE,
    SWITCH,
    WARD_BOUNDARIES,
    YEARLY_FILE,
    boroughs,
    groups,
    half_up,
    lookup,
    lsoa_population,
    lsoas,
    measures,
    months_of,
    nearest,
    rate,
    select,
    series,
    shown,
    themes,
    vintage_codes,
    ward_boundary_codes,
    ward_population,
    wards,
    yearly,
)
from saferplan.reports.tests.recompute_maps import check_classes


class Recompute:
    """One bundle against the raw files; ``problems`` collects every disagreement."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.b = bundle
        self.area = bundle["area"]
        self.period, self.baseline = months_of(bundle["period"]), months_of(bundle["baseline"])
        s = bundle["suppression"]
        self.rule = (int(s["below"]), int(s["round_to"])) if s else None
        self.vintage = "2022" if self.period[0] >= SWITCH else "2018"  # the period's wards
        self.problems: list[str] = []
        self.files: set[str] = set()  # every file a figure of the bundle comes from

    def expect(self, where: str, found: Any, wanted: Any) -> None:
        if found != wanted:
            self.problems.append(
                f"{where}: the bundle has {found!r}, the raw files give {wanted!r}"
            )

    def show(self, count: int) -> str:
        return shown(count, *self.rule) if self.rule else f"{count:,}"

    # -- the comparator table and the ranking ----------------------------------------------

    def borough_counts(self, spec: Mapping[str, Any], months: list[date]) -> dict[str, int]:
        """Counts by borough: the MPS files', or (a series theme) the extract's."""
        if "series" in spec:
            f = measures(series(), spec["series"])
            f = f[(f["level"] == "borough") & f["month"].isin(months)]
            return {k: int(v) for k, v in f.groupby("area_name")["count"].sum().items()}
        f = select(boroughs(), spec["mps"])
        f = f[f["month"].isin(months)]
        return {k: int(v) for k, v in f.groupby("LookUp_BoroughName")["n"].sum().items()}

    def population(self, members: list[str], months: list[date]) -> dict[str, Any] | None:
        """The estimate each member's rate uses (its own year by the rule), summed."""
        year = months[len(months) // 2].year
        found = [(m, nearest(yearly().get(m, {}), year)) for m in members if m not in NO_RESIDENTS]
        if not found:
            return None
        value = sum(v for _, (_, v) in found)  # type: ignore[misc]
        return {"value": value, "years": sorted({(m, y) for m, (y, _) in found})}  # type: ignore[misc]

    def table(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        now, before = (
            self.borough_counts(spec, self.period),
            self.borough_counts(spec, self.baseline),
        )
        self.files.add(YEARLY_FILE)
        rows = {r["area"]: r for r in t["table"]}
        partial = "series" in spec
        shown_areas = [self.area] if partial else [self.area, *self.b["comparators"]]
        self.expect(f"{t['title']} areas compared", list(rows), shown_areas)
        left = self.b["comparators"] if partial else []
        self.expect(f"{t['title']} comparators left out", t["comparators_left_out"], left)
        for name in shown_areas:
            row = rows.get(name)
            if row is None:
                continue
            group = next((g for k, g in groups().items() if k.lower() == name.lower()), None)
            members = (sorted(set(now) | set(before)) if group and group["members"] == "*"
                       else list(group["members"]) if group else [name])  # fmt: skip
            self.row(t, row, members, now, before)
        if partial:
            self.unranked(t)
        else:
            self.ranks(t, now, before)

    def row(self, t: Mapping[str, Any], row: Mapping[str, Any], members: list[str],
            now: dict[str, int], before: dict[str, int]) -> None:  # fmt: skip
        cp, cb = sum(now.get(m, 0) for m in members), sum(before.get(m, 0) for m in members)
        where = f"{t['title']}, {row['area']}"
        self.expect(f"{where} counts", (row["count_period"], row["count_baseline"]), (cp, cb))
        for which, months, count in (("period", self.period, cp), ("baseline", self.baseline, cb)):
            pop = self.population(members, months)
            got = row[f"population_{which}"] or {}
            years = sorted({(m["area"], m["year"]) for m in got.get("members", [])}) or (
                [(row["area"], got.get("year"))] if got else []
            )
            self.expect(f"{where} {which} population", got.get("value"), pop and pop["value"])
            self.expect(f"{where} {which} population years", years, pop and pop["years"])
            self.expect(f"{where} {which} rate", row[f"rate_{which}"],
                        _s(rate(count, pop and pop["value"])))  # fmt: skip
        pct = None if cb == 0 else half_up(Fraction((cp - cb) * 100, cb), 1)
        self.expect(f"{where} % change", row["pct_change"], _s(pct))

    def unranked(self, t: Mapping[str, Any]) -> None:
        """A series covers the partnership's areas only: no ranks."""
        none = {"period": None, "baseline": None}
        self.expect(f"{t['title']} ranks", (t["ranked"], t["rank_table"], t["rank_count"],
                    t["rank_rate"], t["rate_change_quartile"]), (False, [], none, none, None))  # fmt: skip

    def ranks(self, t: Mapping[str, Any], now: dict[str, int], before: dict[str, int]) -> None:
        lines = {x["area"]: x for x in t["rank_table"]}
        self.expect(f"{t['title']} ranking areas", sorted(lines), sorted(set(now) | set(before)))

        def exact(counts: dict[str, int], months: list[date]) -> dict[str, Fraction]:
            out = {}
            for a, n in counts.items():
                pop = None if a in NO_RESIDENTS else self.population([a], months)
                if pop:
                    out[a] = Fraction(n * 1000, pop["value"])
            return out

        def rank_of(values: Mapping[str, Any]) -> int | None:
            mine = values.get(self.area)
            return None if mine is None else 1 + sum(1 for v in values.values() if v > mine)

        rn, rb = exact(now, self.period), exact(before, self.baseline)
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

    def history(self, spec: Mapping[str, Any]) -> list[tuple[date, int]]:
        """Every month the theme's borough figures cover, with the area's count."""
        if "series" in spec:
            f = measures(series(), spec["series"])
            f = f[(f["level"] == "borough") & (f["area_name"] == self.area)]
            self.files.add(SERIES_FILE)
            return [(m, int(n)) for m, n in f.groupby("month")["count"].sum().sort_index().items()]
        f = select(boroughs(), spec["mps"])
        f = f[f["LookUp_BoroughName"] == self.area]
        by_month = f.groupby("month")["n"].sum()
        self.files |= set(BOROUGH_FILES)
        return [(m, int(by_month.get(m, 0))) for m in sorted(boroughs()["month"].unique())]

    def series(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        history = self.history(spec)
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

    # -- wards, LSOAs and the maps ----------------------------------------------------------

    def ward_months(self, spec: Mapping[str, Any], source: str) -> set[date]:
        if source == "mps":
            return set(wards(self.vintage)["month"])
        f = measures(series(), spec["series"])
        f = f[(f["level"] == "ward") & f["area_code"].isin(vintage_codes(self.vintage, self.area))]
        return set(f["month"])

    def child_source(self, spec: Mapping[str, Any], months: list[date]) -> tuple[str, str] | None:
        """(level, source) of the wards or LSOAs listed for these months: the period's wards
        from the MPS ward files, the extract, or LSOA counts summed through the lookup (2018
        wards, whole years); else LSOAs; else none."""
        years = {m.year for m in months}
        whole = self.b["period"]["kind"] == "calendar-year" and all(
            2011 <= y <= 2021 for y in years
        )
        for source in ("mps", "series"):
            if source in spec and set(months) <= self.ward_months(spec, source):
                return "ward", source
        if "lsoa-annual" in spec and whole:
            return ("ward" if self.vintage == "2018" else "lsoa"), "lsoa-annual"
        return None

    def child_counts(self, spec: Mapping[str, Any], level: str, source: str,
                     months: list[date]) -> dict[str, tuple[str, int]]:  # fmt: skip
        if source == "mps":
            f = select(wards(self.vintage), spec["mps"])
            f = f[(f["LookUp_BoroughName"] == self.area) & f["month"].isin(months)]
            g = f.groupby("WardCode").agg(name=("WardName", "first"), n=("n", "sum"))
            self.files |= set(f.loc[f["n"].notna(), "file"])
        elif source == "series":
            f = measures(series(), spec["series"])
            f = f[(f["level"] == "ward") & f["month"].isin(months)
                  & f["area_code"].isin(vintage_codes(self.vintage, self.area))]  # fmt: skip
            g = f.groupby("area_code").agg(name=("area_name", "first"), n=("count", "sum"))
        else:
            f = select(lsoas(), spec["lsoa-annual"], lsoa_file=True)
            f = f[(f["LAD11NM"] == self.area) & f["year"].isin({m.year for m in months})]
            self.files |= {f"lsoa_annual_by_major_category/{n}" for n in f["file"].unique()}
            if level == "lsoa":
                g = f.groupby("LSOA11CD").agg(name=("LSOA11NM", "first"), n=("n", "sum"))
            else:
                f = f.merge(lookup()[["LSOA11CD", "WD18CD", "WD18NM"]], on="LSOA11CD")
                g = f.groupby("WD18CD").agg(name=("WD18NM", "first"), n=("n", "sum"))
                self.files.add(LOOKUP_FILE)
        return {code: (row["name"], int(row["n"])) for code, row in g.iterrows()}

    def child_areas(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> tuple[str, str] | None:
        c = t["child_areas"]
        chosen = self.child_source(spec, self.period)
        if chosen is None:
            self.expect(f"{t['title']} child areas", c, None)
            return None
        level, source = chosen
        now = self.child_counts(spec, level, source, self.period)
        comparable = self.child_source(spec, self.baseline) == chosen
        before = self.child_counts(spec, level, source, self.baseline) if comparable else None
        order = sorted(now, key=lambda k: (now[k][0], k))
        areas = [{"code": k, "name": now[k][0], "count": self.show(now[k][1]),
                  "change": None if before is None else _signed(
                      now[k][1] - before.get(k, ("", 0))[1], self.show)} for k in order]  # fmt: skip
        vintage = self.vintage if level == "ward" else None
        self.expect(f"{t['title']} {level}s", (c["level"], c["vintage"], c["source"], c["areas"]),
                    (level, vintage, source, areas))  # fmt: skip
        counts = [now[k][1] for k in order]
        top = sorted(range(len(order)), key=lambda i: (-counts[i], i))[:3]
        low = sorted(range(len(order)), key=lambda i: (counts[i], i))[:3]
        self.expect(f"{t['title']} highest and lowest", (c["highest"], c["lowest"]), (top, low))
        if before is not None:
            change = [counts[i] - before.get(k, ("", 0))[1] for i, k in enumerate(order)]
            up = [i for i in sorted(range(len(order)), key=lambda i: (-change[i], i))[:3]
                  if change[i] > 0]  # fmt: skip
            self.expect(f"{t['title']} most increased", c["most_increased"], up)
        self.expect(f"{t['title']} {level} total", c["total"], sum(counts))
        if source != "series":
            self.left_out(t, spec, level, source)
        self.ward_map(t, level, source, now)
        return chosen

    def left_out(self, t: Mapping[str, Any], spec: Mapping[str, Any], level: str,
                 source: str) -> None:  # fmt: skip
        """Categories with offences in the borough's figure and none in the child figures."""
        b = select(boroughs(), spec["mps"])
        b = b[(b["LookUp_BoroughName"] == self.area) & b["month"].isin(self.period)]
        have = {k: int(v) for k, v in b.groupby("MajorText")["n"].sum().items() if v > 0}
        if source == "mps":
            c = select(wards(self.vintage), spec["mps"])
            c = c[(c["LookUp_BoroughName"] == self.area) & c["month"].isin(self.period)]
        else:
            c = select(lsoas(), spec["lsoa-annual"], lsoa_file=True)
            c = c[(c["LAD11NM"] == self.area) & (c["year"] == self.period[0].year)]
            if level == "ward":
                c = c[c["LSOA11CD"].isin(set(lookup()["LSOA11CD"]))]
        child = {k for k, v in c.groupby("MajorText")["n"].sum().items() if v > 0}
        missing = sorted(set(have) - child)
        found = t["child_areas"]
        self.expect(f"{t['title']} categories left out", (found["left_out"], found["left_out_count"]),
                    (missing, sum(have[m] for m in missing)))  # fmt: skip

    def ward_map(self, t: Mapping[str, Any], level: str, source: str,
                 now: dict[str, tuple[str, int]]) -> None:  # fmt: skip
        """A ward map where the wards have boundaries and populations: the 2018 wards."""
        m = t["ward_map"]
        mapped = level == "ward" and self.vintage == "2018" and set(now) <= ward_boundary_codes()
        if not mapped:
            self.expect(f"{t['title']} ward map", m, None)
            return
        pops = ward_population()
        wanted = [
            self.map_area(code, name, n, pops.get(code)) for code, (name, n) in sorted(now.items())
        ]
        self.expect(f"{t['title']} ward map areas", m["areas"], wanted)
        self.files |= {POPULATION_FILE, LOOKUP_FILE}
        self.problems += check_classes(t, "ward_map", wanted, self.rule)

    def map_area(self, code: str, name: str, n: int, population: int | None) -> dict[str, Any]:
        text = self.show(n)
        value = None if text.startswith("<") or not population else rate(
            int(text.replace(",", "")), population)  # fmt: skip
        return {"code": code, "name": name, "population": population, "count": text,
                "value": _s(value)}  # fmt: skip

    def lsoa_map(self, t: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        m = t["lsoa_map"]
        if "lsoa-annual" not in spec or self.b["period"]["kind"] != "calendar-year" \
                or not 2011 <= self.period[0].year <= 2021:  # fmt: skip
            self.expect(f"{t['title']} rate map", m, None)
            return
        now = self.child_counts(spec, "lsoa", "lsoa-annual", self.period)
        pops = dict(
            zip(lsoa_population()["LSOA11CD"], lsoa_population()["Persons_All-Ages"], strict=True)
        )
        wanted = [self.map_area(code, now[code][0], now[code][1], int(pops[code]))
                  for code in sorted(now)]  # fmt: skip
        self.expect(f"{t['title']} rate map areas", m["areas"], wanted)
        self.files.add(POPULATION_FILE)
        self.problems += check_classes(t, "lsoa_map", wanted, self.rule)

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
        self.files |= {POLICE_FILE, LOOKUP_FILE}  # the lookup places its LSOAs in the borough

    def provenance(self) -> None:
        mapped = any(t["lsoa_map"] or t["ward_map"] or t["hotspots"] for t in self.b["themes"])
        if mapped:
            self.files |= set(BOUNDARY_FILES)
            if self.vintage == "2018":  # the 2018 wards' boundaries name the maps' places
                self.files.add(WARD_BOUNDARIES)
        wanted = sorted(
            (Path(f).name, hashlib.sha256((DATA / f).read_bytes()).hexdigest()) for f in self.files
        )
        listed = sorted((p["file"], p["sha256"]) for p in self.b["provenance"])
        self.expect("provenance", listed, wanted)

    def with_figures(self) -> list[str]:
        """The themes with figures for the area: the MPS ones, and a series theme where the
        extract has its measure for the area (police.uk: none, it has no whole year here)."""
        mine = series()[series()["area_name"] == self.area]
        return [
            key
            for key, spec in themes().items()
            if "mps" in spec or ("series" in spec and not measures(mine, spec["series"]).empty)
        ]

    def run(self) -> list[str]:
        self.expect("themes with sections", [t["key"] for t in self.b["themes"]],
                    self.with_figures())  # fmt: skip
        for t in self.b["themes"]:
            spec = themes()[t["key"]]
            self.table(t, spec)
            self.series(t, spec)
            self.child_areas(t, spec)
            self.lsoa_map(t, spec)
            self.hotspots(t, spec)
        self.provenance()
        return self.problems


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _signed(change: int, show: Any) -> str:
    return "0" if change == 0 else ("+" if change > 0 else "-") + show(abs(change))


def recompute(bundle: Mapping[str, Any]) -> list[str]:
    """Every figure of ``bundle`` the raw files do not give (empty: all agree)."""
    return Recompute(bundle).run()
