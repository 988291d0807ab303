"""Setting up partnerships and their organisations: one set of functions for the command
line, the web app's Manage pages and the demo.

Every change is written to the audit trail, as made by ``by`` (the signed-in admin) or,
when ``by`` is None, from the command line by the operating-system user who ran it. Area
names are checked against the data, so a typo is refused rather than stored. People and
their roles are in ``accounts.members``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from saferplan.accounts import audit
from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import find_partnership, partnership_scope
from saferplan.core.errors import NotFoundError, SaferplanError

SETTINGS = ("areas", "comparators", "youth_justice_area", "youth_population_set")


class SettingError(NotFoundError):
    """A setting names something the data does not know; ``setting`` says which setting,
    so a form can put the message beside the right field."""

    def __init__(self, setting: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.setting = setting


@dataclass(frozen=True)
class KnownNames:
    """What the data knows, for checking a partnership's settings."""

    areas: Sequence[str]
    groups: Sequence[str] = ()

    def check(
        self, names: Sequence[str], what: str, groups_allowed: bool = False, setting: str = ""
    ) -> list[str]:
        allowed = {n.lower(): n for n in [*self.areas, *(self.groups if groups_allowed else [])]}
        out = []
        for name in names:
            found = allowed.get(name.strip().lower())
            if found is None:
                close = difflib.get_close_matches(name, list(allowed.values()), n=3)
                hint = (f"Did you mean {' or '.join(close)}? " if close else "") + (
                    f"Known: {', '.join(sorted(allowed.values()))}."
                    if allowed
                    else "No areas are known yet: import the crime data first."
                )
                raise SettingError(setting, f"'{name}' is not {what} the data knows", hint=hint)
            out.append(found)
        return out


def known_names(con: Any = None, partnership: Partnership | None = None) -> KnownNames:
    """Borough and comparator group names the data knows (the warehouse in use by default);
    the groups are the partnership's own when it has saved some."""
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.definitions.service import comparator_groups_for
    from saferplan.geography.areas import list_areas

    con = con if con is not None else Warehouse().connect()
    # As the comparators file spells them (its lookup keys are lower case).
    groups = [group.key for group in comparator_groups_for(partnership).values()]
    return KnownNames([a.name for a in list_areas(con, "borough")], groups)


def via(by: Any) -> str:
    """How a change came, for the audit summary: nothing for a signed-in admin."""
    return " (command line)" if by is None else ""


def _checked_settings(
    known: KnownNames,
    areas: Sequence[str] | None,
    comparators: Sequence[str] | None,
    youth_justice_area: str | None,
) -> tuple[list[str] | None, list[str] | None, str | None]:
    checked_areas = known.check(areas, "an area", setting="areas") if areas is not None else None
    checked_comparators = (
        known.check(comparators, "an area or comparator group", True, setting="comparators")
        if comparators is not None
        else None
    )
    if youth_justice_area:
        youth_justice_area = known.check(
            [youth_justice_area], "an area", setting="youth_justice_area"
        )[0]
    return checked_areas, checked_comparators, youth_justice_area


@transaction.atomic
def set_partnership(
    name: str,
    *,
    areas: Sequence[str] | None = None,
    comparators: Sequence[str] | None = None,
    youth_justice_area: str | None = None,
    youth_population_set: str | None = None,
    known: KnownNames | None = None,
    by: Any = None,
) -> tuple[Partnership, bool]:
    """Create the partnership, or update the settings given (``None`` leaves one as it is)."""
    name = name.strip()
    if not name:
        raise SaferplanError("the partnership needs a name")
    if known is not None:
        areas, comparators, youth_justice_area = _checked_settings(
            known, areas, comparators, youth_justice_area
        )
    partnership = Partnership.objects.filter(name__iexact=name).first()
    created = partnership is None
    before = None if partnership is None else audit.snapshot(partnership)
    partnership = partnership or Partnership(name=name)
    given = {
        "areas": list(areas) if areas is not None else None,
        "comparators": list(comparators) if comparators is not None else None,
        "youth_justice_area": youth_justice_area,
        "youth_population_set": youth_population_set,
    }
    for field, value in given.items():
        if value is not None:
            setattr(partnership, field, value)
    if created and not partnership.youth_justice_area and partnership.areas:
        partnership.youth_justice_area = partnership.area
    partnership.save()
    with partnership_scope(partnership):
        if created or before != audit.snapshot(partnership):
            audit.record(
                by,
                "created" if created else "changed",
                partnership,
                before=before,
                summary=f"partnership {partnership.name}{via(by)}",
            )
    return partnership, created


def add_partnership(name: str) -> tuple[Partnership, bool]:
    return set_partnership(name)


def owner(partnership: Partnership | str | None) -> Partnership:
    """The partnership given, or named (the only one when None)."""
    if isinstance(partnership, Partnership):
        return partnership
    return find_partnership(partnership)


def _check_kind(kind: str) -> str:
    kinds = dict(Organisation.Kind.choices)
    if kind not in kinds:
        raise SaferplanError(
            f"'{kind}' is not a kind of organisation", hint=f"Use one of: {', '.join(kinds)}."
        )
    return kind


def clean_aliases(aliases: str) -> str:
    """Comma-separated words, each trimmed, empty ones and repeats dropped."""
    words: list[str] = []
    for word in (w.strip() for w in aliases.split(",")):
        if word and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return ", ".join(words)


def _check_name(name: str, partnership: Partnership, keep: Organisation | None = None) -> str:
    """A name no other organisation of the partnership has, in any case: plan leads and
    the command line find organisations by name regardless of case."""
    name = " ".join(name.split())
    if not name:
        raise SaferplanError("the organisation needs a name")
    taken = Organisation.objects.filter(partnership=partnership, name__iexact=name)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        raise SaferplanError(f"{partnership} already has an organisation called '{name}'")
    return name


@transaction.atomic
def add_organisation(
    name: str,
    kind: str,
    partnership: Partnership | str | None = None,
    aliases: str = "",
    *,
    by: Any = None,
) -> tuple[Organisation, bool]:
    """A partner organisation; one of the same name (any case) is returned unchanged."""
    kind = _check_kind(kind)
    found = owner(partnership)
    with partnership_scope(found):
        existing = Organisation.objects.filter(name__iexact=" ".join(name.split())).first()
        if existing is not None:
            return existing, False
        org = Organisation.objects.create(
            partnership=found,
            name=_check_name(name, found),
            kind=kind,
            aliases=clean_aliases(aliases),
        )
        audit.record(by, "created", org, summary=f"organisation {org.name}{via(by)}")
    return org, True


@transaction.atomic
def change_organisation(
    organisation: Organisation, *, name: str, kind: str, aliases: str, by: Any = None
) -> bool:
    """Rename an organisation, or change its kind or the aliases that match plan leads.

    Returns whether anything changed (only a change is audited).
    """
    with partnership_scope(organisation.partnership):
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(org)
        org.name = _check_name(name, org.partnership, keep=org)
        org.kind = _check_kind(kind)
        org.aliases = clean_aliases(aliases)
        if audit.snapshot(org) == before:
            return False
        org.save()
        audit.record(by, "changed", org, before=before, summary=f"organisation {org.name}{via(by)}")
    return True


def find_organisation(name: str, partnership: Partnership) -> Organisation:
    """One of the partnership in scope's organisations, by name in any case."""
    found = Organisation.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True))
        raise NotFoundError(
            f"no organisation '{name}' in {partnership}",
            hint=f"Known: {known or 'none'}. Add one: saferplan accounts organisation NAME.",
        )
    return found
