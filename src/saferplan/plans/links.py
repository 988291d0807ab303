"""What an action belongs to beyond its plan, and what it should change: its tags (the
documents and themes it is reported under, e.g. the Knife Crime Action Plan) and the
outcome measures it is meant to move. Every change is audited and bumps the action's
version, as edits do."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from saferplan.accounts import audit
from saferplan.core.errors import SaferplanError
from saferplan.plans.models import Action, Measure

TAG = re.compile(r"^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$")
KNIFE_CRIME_ACTION_PLAN = "knife-crime-action-plan"
YOUTH_JUSTICE_PLAN = "youth-justice-plan"
THEME_PREFIX = "lkcs:"  # a theme of the London Knife Crime Strategy
# The Strategy's six themes (documents/shipped/knife-crime-action-plan-2017.toml groups by
# them), so a misspelt theme is refused rather than leaving its action out of the plan.
LKCS_THEMES = ("targeting-lawbreakers", "offering-ways-out-of-crime",
               "keeping-deadly-weapons-off-our-streets", "protecting-and-educating-young-people",
               "standing-with-communities", "supporting-victims")  # fmt: skip
# The tags the documents read: offered as checkboxes in the app and named when a tag is
# refused. Any other well-formed tag (a partnership's own theme) is kept as well.
KNOWN_TAGS = (KNIFE_CRIME_ACTION_PLAN, YOUTH_JUSTICE_PLAN,
              *(THEME_PREFIX + theme for theme in LKCS_THEMES))  # fmt: skip
TAG_RULE = (
    "Tags are lower-case words joined by hyphens, optionally after a prefix; the documents "
    f"read {', '.join(KNOWN_TAGS)}."
)


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: lower case, each once, in the order given; a malformed one is refused."""
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not tag:
            continue
        if not TAG.match(tag) or len(tag) > 80:
            raise SaferplanError(f"'{raw[:40]}' is not a tag", hint=TAG_RULE)
        if tag.startswith(THEME_PREFIX) and tag not in KNOWN_TAGS:
            raise SaferplanError(
                f"'{tag}' is not a theme of the London Knife Crime Strategy", hint=TAG_RULE
            )
        if tag not in out:
            out.append(tag)
    return out


@transaction.atomic
def set_tags(action: Action, tags: Iterable[str], user: Any = None) -> Action:
    """Replace the action's tags (audited, with the tags before and after)."""
    before = audit.snapshot(action)
    action.tags = clean_tags(tags)
    action.version += 1
    action.save(update_fields=["tags", "version"])
    audit.record(
        user,
        "changed",
        action,
        before,
        summary=f"Tags of {action}: {', '.join(action.tags) or 'none'}"[:300],
    )
    return action


@transaction.atomic
def link_measures(action: Action, measures: Iterable[Measure], user: Any = None) -> Action:
    """The outcome measures the action should move: measures of the same plan year only."""
    chosen = check_measures(action, measures)
    before = {"measures": sorted(action.measures.values_list("pk", flat=True))}
    action.measures.set(chosen)
    action.version += 1
    action.save(update_fields=["version"])
    audit.record(
        user,
        "changed",
        action,
        before,
        summary=f"Measures of {action}: {', '.join(str(m) for m in chosen) or 'none'}"[:300],
    )
    return action


def check_measures(action: Action, measures: Iterable[Measure]) -> list[Measure]:
    """The measures, if all are of the action's plan year (else an error naming one)."""
    chosen = list(measures)
    year_id = action.objective.priority.year_id
    wrong = [m for m in chosen if m.objective.priority.year_id != year_id]
    if wrong:
        raise SaferplanError(
            f"'{wrong[0]}' is a measure of another plan year than the action's",
            hint="Link an action to measures of its own plan.",
        )
    return chosen


def tagged(actions: Iterable[Action], tag: str) -> list[Action]:
    """The actions carrying ``tag`` (tags are few per action, so filtered here)."""
    return [a for a in actions if tag in (a.tags or [])]
