"""Which figures changed between two editions of a document, and why. Pure.

Each edition's ``figures.json`` says what every figure is (its place in the bundle) and what
it came from: the imports (``import_ids`` of the part it belongs to, else the edition's) and,
beside each rate, the population (set, year, value). Both bundles are flattened to their
figures, matched by identity (a theme by its key, a table row by its area, a month by its
date: never by position alone), and each changed figure is given its reasons: a newer
import of the same data (a revision of that month, for a month's figure), a new import, a
different population set or year or a revised estimate, a different parameter of the
build; where a bundle keeps its figures by id as records (the statutory plans'), each record
is one figure, as printed, whose own period, data date and derivation are reasons too.
Works for any document kind's bundle.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Parts of a bundle that are not figures: provenance, text (compared as text), images.
NOT_FIGURES = frozenset(
    {
        "import_ids",
        "import_id",
        "boundary_import_ids",
        "provenance",
        "definitions",
        "generated",
        "bundle_version",
        "sentences",
        "headline",
        "findings",
        "charts",
        "template",
        "fields",
        "claims",
        "codes",
        "paths",
        "text",
        "sha256",
    }
)
# Keys that name a list's items, tried in this order.
IDENTITY = ("key", "id", "code", "area", "indicator", "state", "name", "label")
NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$|^<\d+$")
MONTH = re.compile(r"^(\d{4})-(\d{2})(-\d{2})?$")
# Parameters that change every figure of the document.
GLOBAL_PARAMETERS = ("edition", "area", "period", "baseline")


@dataclass(frozen=True)
class Leaf:
    value: Any
    ancestors: tuple[Mapping[str, Any], ...]  # the dicts holding it, outermost first
    label: tuple[str, ...]
    record: bool = False  # a figure's record (value as shown, label, period, data date)


# A figure's record in a bundle that keeps its figures by id (the statutory plans'): its
# value as printed is the figure; these are what it is and where it came from.
RECORD_KEYS = frozenset({"value", "shown", "format"})
RECORD_INPUTS = (("period", "another period"), ("data_date", "data of another date"),
                 ("derive", "worked out another way"))  # fmt: skip


@dataclass(frozen=True)
class FigureChange:
    path: tuple[str, ...]
    label: str
    before: Any
    after: Any
    status: str  # changed | added | removed
    reasons: tuple[str, ...]

    @property
    def group(self) -> str:
        """The part of the document it is in: a theme ("themes › Burglary"), else the top."""
        parts = self.label.split(" › ")
        if len(self.path) > 2 and "=" in self.path[1]:
            return parts[1]
        return parts[0]


@dataclass(frozen=True)
class Inputs:
    """What an edition was built from: its parameters and the imports behind its figures."""

    parameters: Mapping[str, Any]
    imports: Sequence[Mapping[str, Any]]
    by_id: dict[int, Mapping[str, Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        found = {int(i["import_id"]): i for i in self.imports if i.get("import_id") is not None}
        object.__setattr__(self, "by_id", found)


def is_figure(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(NUMBER.match(value.strip()))


def _identity(items: list[Any]) -> str | None:
    """The key naming each item of a list of dicts, if one names them all, uniquely."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITY:
        values = [i.get(key) for i in items]
        if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values) and len(
            set(values)
        ) == len(values):
            return key
    return None


def _dated(items: list[Any]) -> bool:
    """A series: [[date, value, ...], ...] with distinct dates."""
    firsts = [i[0] if isinstance(i, list) and len(i) >= 2 else None for i in items]
    return (
        bool(items)
        and all(isinstance(f, str) and MONTH.match(f) for f in firsts)
        and len(set(firsts)) == len(firsts)
    )


def _items(node: list[Any]) -> Iterator[tuple[str, str, Any]]:
    """(identity, label, item) for each item of a list."""
    key = _identity(node)
    if key is not None:
        for item in node:
            shown = item.get("title") or item.get("label") or item[key]
            yield f"{key}={item[key]}", str(shown), item
    elif _dated(node):
        for item in node:
            rest = item[1] if len(item) == 2 else item[1:]
            yield f"date={item[0]}", _month_label(item[0]), rest
    else:
        for i, item in enumerate(node):
            yield str(i), str(i + 1), item


def _month_label(text: str) -> str:
    m = MONTH.match(text)
    if not m:
        return text
    return dt.date(int(m[1]), int(m[2]), 1).strftime("%B %Y")


def flatten(bundle: Any) -> dict[tuple[str, ...], Leaf]:
    """Every scalar of a bundle outside the parts that are not figures, by identity path."""
    found: dict[tuple[str, ...], Leaf] = {}

    def walk(
        node: Any,
        path: tuple[str, ...],
        label: tuple[str, ...],
        ancestors: tuple[Mapping[str, Any], ...],
    ) -> None:
        if isinstance(node, dict) and node.keys() >= RECORD_KEYS:
            named = (
                (*label[:-1], f"{node.get('label') or label[-1]} ({path[-1]})") if path else label
            )
            found[path] = Leaf(node["shown"], (*ancestors, node), named, record=True)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in NOT_FIGURES:
                    walk(value, (*path, key), (*label, key.replace("_", " ")), (*ancestors, node))
        elif isinstance(node, list):
            for ident, shown, item in _items(node):
                walk(item, (*path, ident), (*label, shown), ancestors)
        else:
            found[path] = Leaf(node, ancestors, label)

    walk(bundle, (), (), ())
    return found


def figure_changes(
    old: Any, new: Any, old_inputs: Inputs, new_inputs: Inputs
) -> list[FigureChange]:
    """Every figure that differs between two bundles, in the new bundle's order, with why."""
    before, after = flatten(old), flatten(new)
    params = parameter_reasons(old_inputs.parameters, new_inputs.parameters)
    changes = []
    for path in [*after, *(p for p in before if p not in after)]:
        a, b = before.get(path), after.get(path)
        old_value, new_value = (a.value if a else None), (b.value if b else None)
        kept = (a and a.record) or (b and b.record) or is_figure(old_value) or is_figure(new_value)
        if old_value == new_value or not kept:
            continue
        status = "changed" if a and b else ("added" if b else "removed")
        reasons = _reasons(path, a, b, old_inputs, new_inputs, params, status)
        label = " › ".join((b or a).label)  # type: ignore[union-attr]
        changes.append(FigureChange(path, label, old_value, new_value, status, reasons))
    return changes


def _reasons(
    path: tuple[str, ...],
    a: Leaf | None,
    b: Leaf | None,
    old: Inputs,
    new: Inputs,
    params: dict[str, str],
    status: str,
) -> tuple[str, ...]:
    # A different area, period or baseline changes every figure: said first.
    reasons = [why for key, why in params.items() if key in GLOBAL_PARAMETERS]
    if a and b:
        if _uses_population(path):
            reasons += population_reasons(a.ancestors, b.ancestors)
        reasons += import_reasons(_imports_of(a, old), _imports_of(b, new), old, new, path)
        if a.record and b.record:
            reasons += record_reasons(a.ancestors[-1], b.ancestors[-1])
    if any("harm" in part for part in path) and "harm_table" in params:
        reasons.append(params["harm_table"])
    others = [why for why in params.values() if why not in reasons]
    if status != "changed":
        reasons += others  # a row shown in one edition only: the build was asked for another
    elif not reasons and others:
        reasons.append("none of its own recorded inputs changed; the build's did: "
                       + "; ".join(others))  # fmt: skip
    if not reasons:
        reasons.append("none of its recorded inputs changed: the way it is worked out did")
    return tuple(dict.fromkeys(reasons))


def record_reasons(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """How a figure's own record says its inputs differ: its period, its data's date, or
    the rule and figures it is worked out from."""
    return [
        f"{what}: {_input(old.get(key))} → {_input(new.get(key))}"
        for key, what in RECORD_INPUTS
        if old.get(key) != new.get(key)
    ]


def _input(value: Any) -> str:
    """A record's input in words; a derivation as its rule and the figures it uses."""
    if isinstance(value, dict) and "kind" in value:
        return f"{value['kind']} of {_shown(value.get('of'))}"
    return _shown(value)


def _uses_population(path: tuple[str, ...]) -> bool:
    """Rates and populations are worked on a population; counts and their changes are not."""
    return any("rate" in part or "population" in part for part in path[-2:])


def _imports_of(leaf: Leaf, inputs: Inputs) -> set[int] | None:
    """The imports the figure's part of the bundle names, innermost first (None: the part
    names none, so the edition's imports are the figure's)."""
    for node in reversed(leaf.ancestors):
        ids = node.get("import_ids")
        if isinstance(ids, list):
            return {int(i) for i in ids}
    return None


def _describe(ids: list[int], inputs: Inputs) -> str:
    """The files of some imports: each named when few, else how many."""
    if len(ids) > 3:
        return f"{len(ids)} files (imports {', '.join(str(i) for i in ids)})"
    named = [inputs.by_id.get(i) for i in ids]
    return ", ".join(
        f"{e.get('file', '?')} (import {i})" if e else f"import {i}"
        for i, e in zip(ids, named, strict=True)
    )


def import_reasons(
    old_ids: set[int] | None,
    new_ids: set[int] | None,
    old: Inputs,
    new: Inputs,
    path: tuple[str, ...] = (),
) -> list[str]:
    """Why the imports behind a figure differ: newer imports of the same kind of data
    replacing older ones (a revision, for a month's figure), new ones, ones no longer used."""
    before = set(old.by_id) if old_ids is None else old_ids
    after = set(new.by_id) if new_ids is None else new_ids
    gone, came = sorted(before - after), sorted(after - before)
    kinds = {i: (old.by_id.get(i) or new.by_id.get(i) or {}).get("kind", "?") for i in gone + came}
    month = next((p[5:] for p in reversed(path) if p.startswith("date=")), None)
    reasons = []
    for kind in dict.fromkeys(kinds[i] for i in came):
        replaced = [i for i in gone if kinds[i] == kind]
        newer = _describe([i for i in came if kinds[i] == kind], new)
        if replaced:
            older = _describe(replaced, old)
            what = (
                f"a revision of {_month_label(month)}'s data"
                if month
                else "a newer import of the same data"
            )
            reasons.append(f"{what} ({kind}): {newer} replaces {older}")
        else:
            reasons.append(f"a new import ({kind}): {newer}")
    for kind in dict.fromkeys(kinds[i] for i in gone if kinds[i] not in {kinds[j] for j in came}):
        unused = [i for i in gone if kinds[i] == kind]
        reasons.append(f"no longer uses ({kind}): {_describe(unused, old)}")
    return reasons


def _populations(node: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if "set" in node and "value" in node:
        return {"": node}
    return {
        k: v
        for k, v in node.items()
        if k.startswith("population") and isinstance(v, dict) and "set" in v
    }


def population_reasons(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[str]:
    """How the populations beside a figure differ (the innermost part that has one)."""
    for a, b in zip(reversed(old), reversed(new), strict=False):
        pa, pb = _populations(a), _populations(b)
        if not (pa or pb):
            continue
        reasons = []
        for key in dict.fromkeys([*pa, *pb]):
            x, y = pa.get(key) or {}, pb.get(key) or {}
            which = f" ({key.replace('_', ' ')})" if key else ""
            if x.get("set") != y.get("set"):
                reasons.append(
                    f"a different population set{which}: {x.get('set')} "
                    f"({x.get('year')}) → {y.get('set')} ({y.get('year')})"
                )
            elif x.get("year") != y.get("year"):
                reasons.append(
                    f"the population estimate of another year{which}: "
                    f"{x.get('year')} → {y.get('year')} ({y.get('set')})"
                )
            elif x.get("value") != y.get("value"):
                reasons.append(
                    f"a revised population estimate{which}: {_n(x.get('value'))} → "
                    f"{_n(y.get('value'))} ({y.get('set')}, {y.get('year')})"
                )
        return reasons
    return []


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("file") or value)
    return str(value)


def parameter_reasons(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """Each parameter of the build that differs, in words, by parameter."""
    reasons = {}
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) != new.get(key):
            reasons[key] = (
                f"{key.replace('_', ' ')} changed: {_shown(old.get(key))} → {_shown(new.get(key))}"
            )
    return reasons
