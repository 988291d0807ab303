"""Comparator groups: named sets of areas to compare with, declared as data.

The shipped ``comparators.toml`` holds the defaults; a partnership may keep its own groups
(``accounts.partnership_files``), put in force for a build with :func:`groups_in_force`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from saferplan.core.errors import SaferplanError
from saferplan.crime.themes import read_toml

COMPARATORS_FILE = Path(__file__).with_name("comparators.toml")


@dataclass(frozen=True)
class ComparatorGroup:
    key: str
    title: str
    level: str
    members: tuple[str, ...] | None  # None = every area at the level


LEVELS = ("borough", "ward", "lsoa")
# The groups in force when a partnership has its own (``groups_in_force``); else the file's.
_IN_FORCE: ContextVar[tuple[dict[str, ComparatorGroup], str] | None] = ContextVar(
    "comparator_groups", default=None
)


def comparator_groups() -> dict[str, ComparatorGroup]:
    """The comparator groups by lower-case name: a partnership's own while in force."""
    chosen = _IN_FORCE.get()
    return chosen[0] if chosen is not None else shipped_comparator_groups()


def groups_sha256() -> str:
    """The SHA-256 of the TOML the groups in force were read from, for a build's record."""
    chosen = _IN_FORCE.get()
    if chosen is not None:
        return chosen[1]
    return hashlib.sha256(COMPARATORS_FILE.read_bytes()).hexdigest()


@cache
def shipped_comparator_groups() -> dict[str, ComparatorGroup]:
    return parse_comparator_groups(COMPARATORS_FILE.read_text(encoding="utf-8"), "comparators.toml")


@contextmanager
def groups_in_force(groups: dict[str, ComparatorGroup], sha256: str) -> Iterator[None]:
    """Compare with ``groups`` (read from TOML whose SHA-256 is ``sha256``) in the block."""
    token = _IN_FORCE.set((groups, sha256))
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def parse_comparator_groups(
    text: str, name: str = "comparators.toml"
) -> dict[str, ComparatorGroup]:
    """Validate comparator groups from TOML text: the one check for the shipped file and a
    partnership's saved groups. Errors name the line (bad TOML) or the group and key."""
    raw = read_toml(text, name, "comparator groups")
    groups = raw.get("groups", {})
    if not isinstance(groups, dict):
        raise SaferplanError(f"{name}: 'groups' must be a table ([groups.NAME] sections)")
    out: dict[str, ComparatorGroup] = {}
    for key, spec in groups.items():
        where = f"{name}: group '{key}'"
        if not isinstance(spec, dict):
            raise SaferplanError(f'{where} must be a table ([groups."{key}"])')
        if not isinstance(spec.get("title"), str) or not spec["title"].strip():
            raise SaferplanError(f"{where} has no 'title'")
        level = spec.get("level", "borough")
        if level not in LEVELS:
            raise SaferplanError(f"{where}: level must be one of {', '.join(LEVELS)}")
        members = spec.get("members")
        if members != "*" and (
            not isinstance(members, list)
            or not members
            or not all(isinstance(m, str) and m.strip() for m in members)
        ):
            raise SaferplanError(f"{where}: 'members' must be \"*\" or a list of area names")
        if key.lower() in out:
            raise SaferplanError(f"{where} repeats another group's name (names ignore case)")
        chosen = None if members == "*" else tuple(m.strip() for m in members)
        out[key.lower()] = ComparatorGroup(key, spec["title"], level, chosen)
    return out
