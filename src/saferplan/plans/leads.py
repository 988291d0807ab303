"""Who leads an action: the organisation read from a plan's free-text lead cell.

A lead cell mixes people, roles and organisations ("Louis Smith / Tanya Sprunks Harrow
Police", "Tanya Sprunks Inspector"). A lead settled by a person (mapped to an
organisation) is remembered as that organisation's alias and wins; otherwise the first
organisation whose name or alias appears in the cell as whole words is the lead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from saferplan.accounts.models import Organisation, Partnership
from saferplan.plans.models import LeadAlias, lead_key


@dataclass(frozen=True)
class LeadMatch:
    """A distinct lead of a plan, how many actions it leads, and what it was matched to."""

    lead: str
    actions: int
    organisation: Organisation | None
    how: str  # "remembered lead", "name or alias 'police'", "" when not matched


class LeadMatcher:
    """Matches leads against one partnership's organisations and remembered leads."""

    def __init__(self, organisations: Iterable[Organisation], aliases: Iterable[LeadAlias]):
        self.organisations = list(organisations)
        self.remembered = {a.key: a.organisation for a in aliases}

    @classmethod
    def current(cls) -> LeadMatcher:
        """For the partnership in scope."""
        return cls(Organisation.objects.all(), LeadAlias.objects.select_related("organisation"))

    def match(self, lead: str) -> tuple[Organisation | None, str]:
        if not lead.strip():
            return None, ""
        remembered = self.remembered.get(lead_key(lead))
        if remembered is not None:
            return remembered, "remembered lead"
        lowered = lead.lower()
        for org in self.organisations:
            words = [org.name.lower()] + [
                a.strip().lower() for a in org.aliases.split(",") if a.strip()
            ]
            for word in words:
                if re.search(rf"\b{re.escape(word)}\b", lowered):
                    return org, f"name or alias '{word}'"
        return None, ""

    def summary(self, leads: Iterable[str]) -> list[LeadMatch]:
        """Each distinct lead (blank ones too), in the order first met."""
        counts = Counter(" ".join(lead.split()) for lead in leads)
        return [LeadMatch(lead, n, *self.match(lead)) for lead, n in counts.items()]


def match_organisation(lead: str, organisations: list[Organisation]) -> Organisation | None:
    """The organisation a lead names, by name or alias only (no remembered leads)."""
    return LeadMatcher(organisations, []).match(lead)[0]


def remember(user: Any, partnership: Partnership, lead: str, organisation: Organisation) -> bool:
    """Save ``lead`` as an alias of ``organisation`` (audited); False if it already was."""
    from saferplan.accounts import audit

    if organisation.partnership_id != partnership.pk:
        raise ValueError("the organisation belongs to another partnership")
    key = lead_key(lead)
    alias = LeadAlias.objects.filter(partnership=partnership, key=key).first()
    if alias is not None and alias.organisation_id == organisation.pk:
        return False
    before = audit.snapshot(alias) if alias else None
    alias = alias or LeadAlias(partnership=partnership, key=key)
    alias.text, alias.organisation = " ".join(lead.split()), organisation
    alias.save()
    audit.record(
        user,
        "changed" if before else "created",
        alias,
        before=before,
        summary=f"Lead '{alias.text}' is {organisation}",
    )
    return True
