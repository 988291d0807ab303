"""Data-quality flags on a delivery plan: the slips real plans carry, found for people to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saferplan.plans.models import Action, Disposition, Rag, StrategyYear


@dataclass(frozen=True)
class Flag:
    action: Action
    kind: str
    message: str


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _year_start(year: StrategyYear) -> date | None:
    match = re.match(r"(\d{4})", year.label)
    return date(int(match.group(1)), 4, 1) if match else None


def quality_flags(year: StrategyYear, today: date | None = None) -> list[Flag]:
    today = today or date.today()
    actions = list(
        Action.objects.filter(objective__priority__year=year)
        .select_related("objective", "carried_from")
        .prefetch_related("updates")
    )
    start = _year_start(year)
    flags: list[Flag] = []
    seen: dict[str, Action] = {}
    for action in actions:
        latest = action.latest_update()
        if action.carried_from_id and start and action.review_date and action.review_date < start:
            flags.append(
                Flag(
                    action,
                    "stale deadline",
                    f"Carried over with a review point "
                    f"({action.review_date:%d %B %Y}) before this plan year began.",
                )
            )
        if action.rag() == Rag.AMBER and (
            action.disposition == Disposition.COMPLETE
            or (latest is not None and "complete" in latest.text.lower())
        ):
            flags.append(
                Flag(
                    action, "complete but amber", "Marked complete but rated Amber: which is right?"
                )
            )
        if (
            action.review_date
            and action.review_date < today
            and not any(u.date and u.date >= action.review_date for u in action.updates.all())
        ):
            flags.append(
                Flag(
                    action,
                    "no update since review point",
                    f"No update since the review point of {action.review_date:%d %B %Y}.",
                )
            )
        key = _normal(action.text)
        if key in seen:
            flags.append(
                Flag(
                    action,
                    "duplicate",
                    f"Same wording as action {seen[key].reference or seen[key].pk}.",
                )
            )
        else:
            seen[key] = action
    return flags
