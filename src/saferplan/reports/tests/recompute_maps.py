"""The rate maps' classes, worked again: quantile edges, each area's class, hidden counts.

Independent of saferplan's map code: numpy's linear quantiles of the mapped rates, rounded
half-up to cents; in a public edition each edge may move a few cents so that it is not the
rate of a count the edition hides, in an area of the classes beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saferplan.reports.tests.recompute_files import half_up, rate, shown


def hidden(text: str, below: int, step: int) -> list[int]:
    """The counts a shown figure hides (every count it could be, but the one it says)."""
    if text == "0":
        return []
    if text.startswith("<"):
        return list(range(1, below))
    value = int(text.replace(",", ""))
    return [n for n in range(max(0, value - step), value + step + 1)
            if n != value and shown(n, below, step) == text]  # fmt: skip


def check_classes(
    t: Mapping[str, Any], key: str, areas: list[dict[str, Any]], rule: tuple[int, int] | None
) -> list[str]:
    """Problems with the classes of the theme's map ``key`` (``lsoa_map`` or ``ward_map``)."""
    import numpy as np

    problems: list[str] = []
    where = f"{t['title']} {key.replace('_', ' ')}"
    rated = [a for a in areas if a["value"] is not None]
    values = np.array([float(a["value"]) for a in rated])
    raw = sorted(
        {float(half_up(Decimal(str(q)), 2)) for q in np.quantile(values, np.linspace(0, 1, 6))}
    )
    classes = [c for c in t[key]["classes"] if c["kind"] == "rate"]
    edges = [float(c["low"]) for c in classes] + [float(classes[-1]["high"])]
    tolerance = 0.10 if rule else 0.0
    near = len(edges) == len(raw) and all(
        abs(e - r) <= tolerance + 1e-9 for e, r in zip(edges, raw, strict=True)
    )
    if not near:
        problems.append(f"{where}: edges {edges} are not near the quantiles {raw}")
    members = {c["low"]: set(c["codes"]) for c in classes}
    for a in rated:
        v = float(a["value"])
        i = next((j for j in range(len(edges) - 1) if v < edges[j + 1]), len(edges) - 2)
        if a["code"] not in members[classes[i]["low"]]:
            problems.append(f"{where}: {a['code']} is not in the class of its rate {v}")
    small = sorted(a["code"] for a in areas if a["value"] is None and a["population"] and rule)
    in_small = sorted(x for c in t[key]["classes"] if c["kind"] == "small" for x in c["codes"])
    if small != in_small:
        problems.append(f"{where}: the hatched areas are {in_small}, not {small}")
    if rule:
        problems += _hidden_counts(where, classes, {a["code"]: a for a in areas}, rule)
    return problems


def _hidden_counts(
    where: str,
    classes: list[dict[str, Any]],
    areas: dict[str, dict[str, Any]],
    rule: tuple[int, int],
) -> list[str]:
    """No class edge is the rate of a hidden count of an area beside it."""
    below, step = rule
    problems = []
    for i, c in enumerate(classes):
        for edge, sides in ((c["low"], (i - 1, i)), (c["high"], (i, i + 1))):
            near = [areas[x] for j in sides if 0 <= j < len(classes) for x in classes[j]["codes"]]
            for a in near:
                given_back = [n for n in hidden(a["count"], below, step)
                              if rate(n, a["population"]) == Decimal(edge)]  # fmt: skip
                if given_back:
                    problems.append(f"{where}: edge {edge} gives back {given_back} in {a['code']}")
    return problems
