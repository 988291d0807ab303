"""Saving, checking and choosing a partnership's themes and comparator groups.

One set of functions for the Manage pages and ``saferplan accounts themes|comparators``:
the same validation as the shipped files (``crime.themes.parse_themes``,
``crime.groups.parse_comparator_groups``), names checked against the data, every save a new
version in the audit trail. ``themes_for`` and ``comparator_groups_for`` are what builds
read: the partnership's latest version, or the shipped defaults.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan import config
from saferplan.accounts import audit
from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.core.errors import SaferplanError
from saferplan.crime.groups import (
    COMPARATORS_FILE,
    ComparatorGroup,
    groups_in_force,
    parse_comparator_groups,
    shipped_comparator_groups,
)
from saferplan.crime.themes import DEFAULT_FILE, ThemeBook, load_themes, parse_themes
from saferplan.definitions.models import DefinitionVersion

Kind = DefinitionVersion.Kind
FILENAMES: dict[str, str] = {Kind.THEMES: "themes.toml", Kind.COMPARATORS: "comparators.toml"}
MAX_BYTES = 200_000  # a themes file is a few kilobytes; anything near this is not one


def shipped_path(kind: str) -> Path:
    if kind == Kind.THEMES:
        return Path(config.get("SAFERPLAN_THEMES") or DEFAULT_FILE)
    return COMPARATORS_FILE


def shipped_text(kind: str) -> str:
    return shipped_path(kind).read_text(encoding="utf-8")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def latest(partnership: Partnership, kind: str) -> DefinitionVersion | None:
    with partnership_scope(partnership):
        return DefinitionVersion.objects.filter(kind=kind).order_by("-created", "-id").first()


def history(partnership: Partnership, kind: str) -> list[DefinitionVersion]:
    with partnership_scope(partnership):
        found = DefinitionVersion.objects.filter(kind=kind).select_related("created_by")
        return list(found.order_by("-created", "-id"))


def text_in_force(partnership: Partnership | None, kind: str) -> str:
    """The TOML a build for the partnership reads (the shipped file's when it has none)."""
    version = latest(partnership, kind) if partnership is not None else None
    return version.text if version is not None and version.text else shipped_text(kind)


def themes_for(partnership: Partnership | None) -> ThemeBook:
    """The partnership's themes in force; the shipped (or ``SAFERPLAN_THEMES``) file's if none."""
    version = latest(partnership, Kind.THEMES) if partnership is not None else None
    if version is None or not version.text:
        return load_themes()
    return parse_themes(version.text, f"{partnership}'s themes")


def comparator_groups_for(partnership: Partnership | None) -> dict[str, ComparatorGroup]:
    version = latest(partnership, Kind.COMPARATORS) if partnership is not None else None
    if version is None or not version.text:
        return shipped_comparator_groups()
    return parse_comparator_groups(version.text, f"{partnership}'s comparator groups")


@contextmanager
def in_force(partnership: Partnership | None) -> Iterator[ThemeBook]:
    """The partnership's themes, with its comparator groups in force for the block."""
    text = text_in_force(partnership, Kind.COMPARATORS)
    with groups_in_force(comparator_groups_for(partnership), sha256(text)):
        yield themes_for(partnership)


def check(kind: str, text: str, name: str, con: Any = None, skip_data: bool = False) -> Any:
    """The parsed themes or groups, or the error a file with ``text`` would give; comparator
    group members are checked against the areas the data knows (unless ``skip_data``)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SaferplanError(f"{name} is larger than {MAX_BYTES // 1000} kB: not a {kind} file")
    if kind == Kind.THEMES:
        return parse_themes(text, name)
    groups = parse_comparator_groups(text, name)
    if not skip_data:
        _check_members(groups, name, con)
    return groups


def _check_members(groups: dict[str, ComparatorGroup], name: str, con: Any) -> None:
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.geography.areas import list_areas

    con = con if con is not None else Warehouse().connect()
    for group in groups.values():
        known = {a.name.lower(): a.name for a in list_areas(con, group.level)}
        for member in group.members or ():
            if member.lower() not in known:
                close = difflib.get_close_matches(member, list(known.values()), n=3)
                hint = f"Did you mean {' or '.join(close)}?" if close else None
                raise SaferplanError(
                    f"{name}: group '{group.key}' names '{member}', which is not a "
                    f"{group.level} the data knows",
                    hint=hint,
                )


@transaction.atomic
def save(
    partnership: Partnership, kind: str, text: str, *, note: str = "", by: Any = None,
    con: Any = None,
) -> DefinitionVersion:  # fmt: skip
    """Check ``text`` as the file would be checked, then keep it as the version in force."""
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise SaferplanError(
            f"the {FILENAMES[kind]} text is empty", hint="Restore the defaults instead."
        )
    checked = check(kind, text, FILENAMES[kind], con)
    if kind == Kind.COMPARATORS:
        _keeps_groups_in_settings(partnership, checked)
    return _keep(partnership, kind, text, note, by)


@transaction.atomic
def restore_defaults(partnership: Partnership, kind: str, *, by: Any = None) -> DefinitionVersion:
    """A version that puts the shipped file back in force (the history keeps the others)."""
    if kind == Kind.COMPARATORS:
        _keeps_groups_in_settings(partnership, shipped_comparator_groups())
    return _keep(partnership, kind, "", "restored the shipped defaults", by)


def _keeps_groups_in_settings(partnership: Partnership, groups: dict[str, ComparatorGroup]) -> None:
    """Refuse groups that drop one the partnership's comparators setting names (its next
    build would fail, taking the name for an area); nothing is saved."""
    current = comparator_groups_for(partnership)
    for name in partnership.comparators:
        key = name.strip().lower()
        if key in current and key not in groups:
            raise SaferplanError(
                f"the partnership's comparators setting names the comparator group "
                f"'{current[key].key}', which these comparator groups no longer have: "
                "nothing was saved",
                hint="Choose other comparators in Manage > Partnership settings (or "
                "saferplan accounts partnership --comparators) first, or keep the group.",
            )


def _keep(partnership: Partnership, kind: str, text: str, note: str, by: Any) -> DefinitionVersion:
    digest = sha256(text or shipped_text(kind))
    who = by.get_username() if getattr(by, "is_authenticated", False) else audit.cli_actor()
    with partnership_scope(partnership):
        version = DefinitionVersion.objects.create(
            partnership=partnership, kind=kind, text=text, sha256=digest, note=note.strip()[:300],
            created_by=by if getattr(by, "is_authenticated", False) else None, actor=who,
        )  # fmt: skip
        what = "restored the shipped" if not text else "saved"
        audit.record(by, "created", version,
                     summary=f"{what} {Kind(kind).label.lower()} ({digest[:12]})")  # fmt: skip
    return version
