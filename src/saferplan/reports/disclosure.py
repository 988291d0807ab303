"""Whether a public edition keeps its small numbers hidden: the recoveries a reader could try.

A public edition shows ward and LSOA counts of 1 to 4 as "<5" and rounds the others to 5.
That only holds if nothing else gives them back, so this module tries what a determined
reader would, with only what the bundle publishes:

- every small-area figure must be one the rule can print (no exact count anywhere);
- a rate-map legend edge times an LSOA's (or a ward's) population must not give back a count
  the text hides (an edge at the lowest LSOA's exact rate does), nor may any rate written in
  a map's title, alternative text or caption;
- the map must be shaded by the counts as shown, in the classes those counts give;
- differencing: a stated total minus every other area shown must not pin down a hidden one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saferplan.reports.areamaps import (
    MapArea,
    map_classes,
    map_value,
    plausible_counts,
    recoveries,
)
from saferplan.reports.suppression import SuppressionRule

RATE_TEXT = re.compile(r"\d[\d,]*\.\d{2}(?!\d)")
Data = Mapping[str, Any]


def _valid(shown: str, rule: SuppressionRule) -> bool:
    """Whether the rule could have printed ``shown`` (for some count)."""
    if shown in ("0", f"<{rule.below}"):
        return True
    try:
        value = int(shown.replace(",", ""))
    except ValueError:
        return False
    return value >= rule.below and rule.apply(value) == shown


def interval(shown: str, rule: SuppressionRule) -> tuple[int, int]:
    """The counts a shown figure can stand for: [lowest, highest]."""
    if shown == "0":
        return 0, 0
    if shown.startswith("<"):
        return 1, rule.below - 1
    value = int(shown.replace(",", ""))
    candidates = [value, *plausible_counts(shown, rule)]
    return min(candidates), max(candidates)


def _child_areas(title: str, child: Data, rule: SuppressionRule) -> list[str]:
    where = f"{title}, {child['level']}s"
    problems = []
    if child.get("exact") is not None:
        problems.append(f"{where}: a public edition's bundle holds the exact small-area counts")
    for area in child["areas"]:
        if not _valid(area["count"], rule):
            problems.append(f"{where}: {area['name']} shows {area['count']}, which the rule hides")
        change = area.get("change")
        if change not in (None, "0") and not _valid(change.lstrip("+-"), rule):
            problems.append(f"{where}: {area['name']}'s change {change} is not suppressed")
    if problems:
        return problems
    return _differencing(where, child, rule)


def _differencing(where: str, child: Data, rule: SuppressionRule) -> list[str]:
    """A total minus the others: does it pin any area's hidden count to one value?"""
    spans = [interval(a["count"], rule) for a in child["areas"]]
    total = child["total"]
    low, high = sum(s[0] for s in spans), sum(s[1] for s in spans)
    if not low <= total <= high:
        return [f"{where}: the figures shown cannot add up to the total {total:,}"]
    problems = []
    for area, (lo, hi) in zip(child["areas"], spans, strict=True):
        if lo == hi:
            continue  # shown exactly (a zero): nothing hidden
        least = max(lo, total - (high - hi))
        most = min(hi, total - (low - lo))
        if least == most:
            problems.append(
                f"{where}: {area['name']} ({area['count']}) is given back by differencing: the "
                f"total {total:,} minus the other areas shown leaves exactly {least:,}"
            )
    return problems


def _areas(m: Data, rule: SuppressionRule) -> list[MapArea]:
    out = []
    for a in m["areas"]:
        value = (
            map_value(0, a["count"], a["population"], public=True)
            if _valid(a["count"], rule)
            else None
        )
        out.append(MapArea(a["code"], a["name"], a["population"], -1, a["count"], value))
    return out


def _legend(title: str, m: Data, areas: list[MapArea], rule: SuppressionRule) -> list[str]:
    """Each recorded class edge against the areas of the classes on either side of it."""
    by_code = {a.code: a for a in areas}
    rated = [c for c in m["classes"] if c["kind"] == "rate"]
    problems = []
    for i, c in enumerate(rated):
        for edge, sides in ((c["low"], (i - 1, i)), (c["high"], (i, i + 1))):
            beside = [
                by_code[x]
                for j in sides
                if 0 <= j < len(rated)
                for x in rated[j]["codes"]
                if x in by_code
            ]
            for area, count in recoveries(Decimal(edge), beside, rule):
                problems.append(
                    f"{title}, rate map: the legend edge {Decimal(edge):,.2f} x "
                    f"{area.population:,} residents / 1,000 gives back {count} offences in "
                    f"{area.name}, shown as {area.shown}"
                )
    return sorted(set(problems))


def _texts(
    title: str, theme: Data, key: str, areas: list[MapArea], rule: SuppressionRule
) -> list[str]:
    """Rates written anywhere on or about the map, against every area of it."""
    problems = []
    for chart in theme["charts"]:
        if chart["kind"] != key.replace("_", "-"):
            continue
        class_labels = {c["label"] for c in theme[key]["classes"]}
        words = [chart[p]["text"] for p in ("title", "alt", "caption")]
        words += [x for x in chart["labels"] if x not in class_labels]
        for text in words:
            for number in RATE_TEXT.findall(text):
                for area, count in recoveries(Decimal(number.replace(",", "")), areas, rule):
                    problems.append(
                        f"{title}, rate map: \u201c{text}\u201d states the rate "
                        f"{number}, which gives back {count} offences in {area.name} "
                        f"(shown as {area.shown})"
                    )
    return problems


def _map(title: str, theme: Data, key: str, rule: SuppressionRule) -> list[str]:
    m = theme[key]
    areas = _areas(m, rule)
    title = f"{title}, {m.get('level', 'lsoa').replace('lsoa', 'LSOA')}"
    problems = [
        f"{title}, rate map: {a.name} shows {a.shown}, which the rule hides"
        for a in areas
        if not _valid(a.shown, rule)
    ]
    for a, recorded in zip(areas, m["areas"], strict=True):
        if str(a.value) != str(recorded["value"]):
            problems.append(
                f"{title}, rate map: {a.name} is shaded by {recorded['value']}, not "
                f"by the rate of its count as shown ({a.value})"
            )
    expected = [
        {
            "kind": c.kind,
            "low": None if c.low is None else str(c.low),
            "high": None if c.high is None else str(c.high),
            "label": c.label(rule, theme.get("unit", "offences")),
            "codes": list(c.codes),
        }
        for c in map_classes(areas, rule, public=True)
    ]
    if expected != list(m["classes"]):
        problems.append(f"{title}, rate map: its classes are not those of the counts as shown")
    return problems + _legend(title, m, areas, rule) + _texts(title, theme, key, areas, rule)


def check(data: Data) -> list[str]:
    """Every way the public edition's small numbers could be recovered (empty: none)."""
    s = data.get("suppression")
    if data.get("edition") != "public":
        return []
    if not s:
        return ["the public edition does not state its suppression rule"]
    rule = SuppressionRule(int(s["below"]), int(s["round_to"]))
    problems: list[str] = []
    for theme in data["themes"]:
        if theme["child_areas"]:
            problems += _child_areas(theme["title"], theme["child_areas"], rule)
        for key in ("lsoa_map", "ward_map"):
            if theme.get(key):
                problems += _map(theme["title"], theme, key, rule)
    return problems
