"""Themes: named filters over each source's crime categories, declared as data.

A partnership can replace the defaults (``themes.toml`` beside this file) with its own file
named by ``SAFERPLAN_THEMES``. Each theme carries its definition and desired direction so
reports can say what was counted and whether a change is good news, and the unit it counts
(offences, incidents, calls, victims). A theme names categories of the open sources (MPS
major and minor categories, police.uk crime types) or measures of a partnership's series
(``series = { include = ["Knife crime"] }``, matched without regard to case).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
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
    path: Path  # the file read, or a name for text kept elsewhere (a partnership's themes)
    sha256: str = ""  # of the TOML text, so a build can say which themes it used

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
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SaferplanError(f"cannot read the themes file {path}: {exc}") from exc
    return replace(parse_themes(text, path.name), path=path)


@lru_cache(maxsize=64)
def parse_themes(text: str, name: str = "themes.toml") -> ThemeBook:
    """Validate themes from TOML text: the one check for a file and for a partnership's
    saved themes. Errors name the line (bad TOML) or the theme and key (bad values)."""
    raw = read_toml(text, name, "themes")
    themes: dict[str, Theme] = {}
    for key, spec in _table(raw, "themes", name).items():
        themes[key] = _theme(key, spec, f"{name}: theme '{key}'")
    groups: dict[str, ThemeGroup] = {}
    for key, spec in _table(raw, "groups", name).items():
        where = f"{name}: group '{key}'"
        if not isinstance(spec, dict) or not isinstance(spec.get("title"), str):
            raise SaferplanError(f"{where} needs a 'title'")
        members = spec.get("themes")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise SaferplanError(f"{where}: 'themes' must be a list of theme keys")
        unknown = [t for t in members if t not in themes]
        if unknown:
            raise SaferplanError(f"{where} names unknown themes {unknown}")
        groups[key] = ThemeGroup(key, spec["title"], tuple(members))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ThemeBook(themes, groups, Path(name), digest)


def read_toml(text: str, name: str, what: str) -> dict[str, Any]:
    """The TOML document, or an error naming the file and the line (as tomllib reports it)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SaferplanError(f"the {what} file {name} is not valid TOML: {exc}") from exc


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise SaferplanError(f"{name}: '{key}' must be a table ([{key}.NAME] sections)")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SaferplanError(f"{where} must be a list of category names in quotes")
    return tuple(value)


def _filters(spec: dict[str, Any], where: str) -> dict[str, SourceFilter]:
    filters = {}
    for source in SOURCES:
        if source not in spec:
            continue
        table = spec[source]
        if not isinstance(table, dict) or "include" not in table:
            raise SaferplanError(f"{where}: '{source}' needs an 'include' list")
        filters[source] = SourceFilter(
            _strings(table["include"], f"{where}: '{source}.include'"),
            _strings(table.get("exclude", []), f"{where}: '{source}.exclude'"),
        )
    if not filters:
        raise SaferplanError(f"{where} filters no source ({', '.join(SOURCES)})")
    return filters


def _theme(key: str, spec: Any, where: str) -> Theme:
    if not isinstance(spec, dict):
        raise SaferplanError(f"{where} must be a table ([themes.{key}])")
    for required in ("title", "group", "direction", "definition"):
        if required not in spec:
            raise SaferplanError(f"{where} has no '{required}'")
        if not isinstance(spec[required], str):
            raise SaferplanError(f"{where}: '{required}' must be text in quotes")
    if spec["group"] not in GROUPS:
        raise SaferplanError(f"{where}: group must be one of {', '.join(GROUPS)}")
    if spec["direction"] not in ("down", "up"):
        raise SaferplanError(f"{where}: direction must be 'down' or 'up'")
    filters = _filters(spec, where)
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
    return Theme(key, spec["title"], spec["group"], spec["direction"], spec["definition"],
                 filters, unit.strip(), asb)  # fmt: skip
