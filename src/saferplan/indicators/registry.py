"""Every figure saferplan computes, declared once in ``registry.toml`` and checked on load.

The registry is data, not code: definitions are prose that analysts review and edit, and a
TOML file (like the crime themes) shows them as they will be printed, with no Python around
them. Labels, units, scales, directions of good, the CLI's help, the youth justice pages,
their trend charts and the methods text all come from here; ``saferplan definitions``
prints it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REGISTRY_FILE = Path(__file__).with_name("registry.toml")
DIRECTIONS = ("lower", "higher", "none", "theme")
GROUPS = (
    "crime",
    "youth justice",
    "live tracker",
    "disproportionality",
    "youth justice KPI",
    "cohort profile",
    "local youth justice",
)
# The columns `saferplan definitions` prints.
COLUMNS = ("key", "label", "unit", "scale", "direction", "definition", "source")
_REQUIRED = ("key", "group", "label", "unit", "scale", "direction", "definition", "source")
_OPTIONAL = {"decimals": 2, "chart": "", "breakdown_of": ""}


@dataclass(frozen=True)
class Definition:
    """One figure: what it is called, how it is scaled and rounded, and which way is good."""

    key: str
    group: str
    label: str
    unit: str
    scale: int
    direction: str  # lower | higher (is better) | none (context) | theme (the theme's own)
    definition: str
    source: str  # where its data come from, in words
    decimals: int = 2
    chart: str = ""  # the trend chart's title, where the dashboard draws one
    breakdown_of: str = ""  # the key of the figure it breaks down

    @property
    def better(self) -> str:
        """'lower' or 'higher' where one is better, else '' (context, or the theme's)."""
        return self.direction if self.direction in ("lower", "higher") else ""

    def row(self) -> list[Any]:
        return [getattr(self, c) for c in COLUMNS]


class RegistryError(ValueError):
    """The registry file is malformed: raised on load, so a bad edit fails every test."""


def _definition(raw: dict[str, Any], sources: dict[str, str], n: int) -> Definition:
    where = f"{REGISTRY_FILE.name}, indicator {n} ({raw.get('key', 'no key')})"
    missing = [k for k in _REQUIRED if not str(raw.get(k, "")).strip()]
    if missing:
        raise RegistryError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise RegistryError(f"{where}: unknown field {', '.join(sorted(unknown))}")
    if raw["direction"] not in DIRECTIONS:
        raise RegistryError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
    if raw["group"] not in GROUPS:
        raise RegistryError(f"{where}: group must be one of {', '.join(GROUPS)}")
    if raw["source"] not in sources:
        raise RegistryError(f"{where}: source '{raw['source']}' is not in [sources]")
    if not isinstance(raw["scale"], int) or raw["scale"] <= 0:
        raise RegistryError(f"{where}: scale must be a positive whole number")
    values = {**_OPTIONAL, **raw, "source": sources[raw["source"]]}
    return Definition(**values)


@cache
def registry() -> dict[str, Definition]:
    """Every definition by key, in the file's order."""
    data = tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    sources = data.get("sources", {})
    out: dict[str, Definition] = {}
    for n, raw in enumerate(data.get("indicator", []), start=1):
        found = _definition(raw, sources, n)
        if found.key in out:
            raise RegistryError(f"{REGISTRY_FILE.name}: '{found.key}' is declared twice")
        out[found.key] = found
    for found in out.values():
        if found.breakdown_of and found.breakdown_of not in out:
            raise RegistryError(
                f"{REGISTRY_FILE.name}: {found.key} breaks down '{found.breakdown_of}', "
                "which is not declared"
            )
    return out


def get(key: str) -> Definition:
    """The definition of ``key``; a KeyError names the registry when there is none."""
    try:
        return registry()[key]
    except KeyError:
        raise KeyError(f"'{key}' is not declared in {REGISTRY_FILE}") from None


def label(key: str) -> str:
    return get(key).label


def in_groups(*groups: str) -> list[Definition]:
    """The definitions of the groups named (all of them when none is), in the file's order."""
    return [d for d in registry().values() if not groups or d.group in groups]


def methods(groups: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(label, definition) pairs, for a document's methods annex or a page's notes."""
    return [(d.label, d.definition) for d in in_groups(*groups)]


def charts() -> dict[str, str]:
    """Key -> chart title of every figure the youth justice dashboard charts over time."""
    return {d.key: d.chart for d in registry().values() if d.chart}
