"""Themes: named filters over each source's crime categories, declared as data.

A partnership can replace the defaults (``themes.toml`` beside this file) with its own file
named by ``SAFERPLAN_THEMES``. Each theme carries its definition and desired direction so
reports can say what was counted and whether a change is good news, and the unit it counts
(offences, incidents, calls, victims). A theme names categories of the open sources (MPS
major and minor categories, police.uk crime types) or measures of a partnership's series
(``series = { include = ["Knife crime"] }``, matched without regard to case).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from saferplan import config
from saferplan.core.errors import NotFoundError, SaferplanError

DEFAULT_FILE = Path(__file__).with_name("themes.toml")
SOURCES = ("mps", "lsoa-annual", "police-uk", "series")
GROUPS = ("overall", "high volume", "high harm")
ASB = "Anti-social behaviour"


@dataclass(frozen=True)
class SourceFilter:
    """Which categories of one source a theme counts."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def sql(self, source: str) -> tuple[str, list[Any]]:
        """A WHERE clause (and its parameters) over the source's category columns."""
        if source == "police-uk":
            return _list_sql("crime_type", self.include, self.exclude)
        if source == "series":
            lowered = tuple(m.lower() for m in self.include if m != "*")
            include = ("*",) if "*" in self.include else lowered
            return _list_sql("lower(measure)", include, tuple(m.lower() for m in self.exclude))
        clauses: list[str] = []
        params: list[Any] = []
        for selector in self.include:
            if selector == "*":
                clauses.append("TRUE")
                continue
            major, _, minor = (s.strip() for s in selector.partition("/"))
            if minor:
                clauses.append("(major = ? AND minor = ?)")
                params += [major, minor]
            else:
                clauses.append("major = ?")
                params.append(major)
        sql = "(" + " OR ".join(clauses) + ")"
        for selector in self.exclude:
            major, _, minor = (s.strip() for s in selector.partition("/"))
            if minor:
                sql += " AND NOT (major = ? AND coalesce(minor, '') = ?)"
                params += [major, minor]
            else:
                sql += " AND major <> ?"
                params.append(major)
        if source == "lsoa-annual":
            # Minor-category files are subsets of a major one: only when named explicitly.
            named_minors = [s for s in self.include if "/" in s]
            if not named_minors:
                sql += " AND minor IS NULL"
        return sql, params


def _list_sql(
    column: str, include: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[str, list[Any]]:
    params: list[Any] = []
    sql = "TRUE" if "*" in include else f"{column} IN ({', '.join('?' for _ in include)})"
    if "*" not in include:
        params += list(include)
    if exclude:
        sql += f" AND {column} NOT IN ({', '.join('?' for _ in exclude)})"
        params += list(exclude)
    return f"({sql})", params


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    group: str
    direction: str  # "down" or "up": which way is good
    definition: str
    filters: dict[str, SourceFilter] = field(default_factory=dict)
    unit: str = "offences"  # what a count counts, plural: "offences", "calls", "victims"
    asb: bool = False  # anti-social behaviour (not crime), however it is counted

    @property
    def is_asb(self) -> bool:
        pf = self.filters.get("police-uk")
        return self.asb or (pf is not None and pf.include == (ASB,))

    def good_change(self, change: float) -> bool | None:
        if change == 0:
            return None
        return (change < 0) == (self.direction == "down")


@dataclass(frozen=True)
class ThemeGroup:
    key: str
    title: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ThemeBook:
    themes: dict[str, Theme]
    groups: dict[str, ThemeGroup]
    path: Path

    def get(self, key: str) -> Theme:
        wanted = key.strip().lower()
        for theme in self.themes.values():
            if wanted in (theme.key, theme.title.lower()):
                return theme
        raise NotFoundError(
            f"no theme called '{key}'", hint=f"Themes are: {', '.join(self.themes)}."
        )


def load_themes(path: Path | None = None) -> ThemeBook:
    """Read and validate a themes file (default: ``SAFERPLAN_THEMES`` or the shipped one)."""
    chosen = path or Path(config.get("SAFERPLAN_THEMES") or DEFAULT_FILE)
    return _load(chosen.resolve())


@cache
def _load(path: Path) -> ThemeBook:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SaferplanError(f"cannot read the themes file {path}: {exc}") from exc
    themes: dict[str, Theme] = {}
    for key, spec in raw.get("themes", {}).items():
        where = f"{path.name}: theme '{key}'"
        for required in ("title", "group", "direction", "definition"):
            if required not in spec:
                raise SaferplanError(f"{where} has no '{required}'")
        if spec["group"] not in GROUPS:
            raise SaferplanError(f"{where}: group must be one of {', '.join(GROUPS)}")
        if spec["direction"] not in ("down", "up"):
            raise SaferplanError(f"{where}: direction must be 'down' or 'up'")
        filters = {
            source: SourceFilter(
                tuple(spec[source]["include"]), tuple(spec[source].get("exclude", ()))
            )
            for source in SOURCES
            if source in spec
        }
        if not filters:
            raise SaferplanError(f"{where} filters no source ({', '.join(SOURCES)})")
        police = filters.get("police-uk")
        if police and ASB in police.include and police.include != (ASB,):
            raise SaferplanError(f"{where} mixes anti-social behaviour with crime")
        if police and "*" in police.include and ASB not in police.exclude:
            raise SaferplanError(f"{where} would count anti-social behaviour as crime")
        asb = bool(spec.get("asb", False))
        if asb and ({"mps", "lsoa-annual"} & set(filters) or (police and police.include != (ASB,))):
            raise SaferplanError(f"{where} is anti-social behaviour but counts crime categories")
        unit = spec.get("unit", "offences")
        if not isinstance(unit, str) or not unit.strip() or len(unit) > 30:
            raise SaferplanError(f"{where}: unit must be a short plural noun, e.g. 'calls'")
        themes[key] = Theme(key, spec["title"], spec["group"], spec["direction"],
                            spec["definition"], filters, unit.strip(), asb)  # fmt: skip
    groups = {
        key: ThemeGroup(key, spec["title"], tuple(spec["themes"]))
        for key, spec in raw.get("groups", {}).items()
    }
    for group in groups.values():
        unknown = [t for t in group.themes if t not in themes]
        if unknown:
            raise SaferplanError(f"{path.name}: group '{group.key}' names unknown themes {unknown}")
    return ThemeBook(themes, groups, path)
