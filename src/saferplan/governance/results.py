"""A questionnaire's results: per question, how many gave each answer and what share of
those who answered it, and the free text given. Pure: plain records in, rows out.

Shares are of the respondents who answered that question (not of every response), rounded
half-up to one decimal as every saferplan figure is; for a multiple-choice question a
respondent may tick several answers, so its shares can add up to more than 100.
Email addresses are never part of a result: they are not answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from saferplan.core.rounding import scaled_ratio

SHARE_DECIMALS = 1
# Kinds whose answers are counted (the rest are free text only).
COUNTED = ("ynp", "single", "multiple", "channels", "contact")
MULTIPLE = ("multiple", "channels")


@dataclass(frozen=True)
class ItemSpec:
    """What was asked: a questionnaire item as plain values."""

    id: int
    number: int
    kind: str
    text: str
    options: Sequence[tuple[str, str]] = ()  # (value, label), in the order offered


@dataclass(frozen=True)
class Given:
    """One respondent's answer to one item."""

    item_id: int
    choice: str = ""
    choices: Sequence[str] = ()
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.choice or self.choices or self.text.strip())


@dataclass(frozen=True)
class OptionCount:
    value: str
    label: str
    count: int
    share: Decimal | None  # % of those who answered the question; None when none did


@dataclass(frozen=True)
class ItemResult:
    number: int
    kind: str
    text: str
    respondents: int  # responses to the questionnaire
    answered: int  # of them, those who answered this question
    counts: list[OptionCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # free text, comments, "other" specified

    @property
    def not_answered(self) -> int:
        return self.respondents - self.answered


def share(count: int, total: int) -> Decimal | None:
    return scaled_ratio(count, total, 100, SHARE_DECIMALS) if total else None


def tabulate(
    items: Sequence[ItemSpec], answers: Iterable[Given], respondents: int
) -> list[ItemResult]:
    """Every item's result, in the questionnaire's order."""
    by_item: dict[int, list[Given]] = {item.id: [] for item in items}
    for given in answers:
        if given.item_id in by_item and given.answered:
            by_item[given.item_id].append(given)
    return [_result(item, by_item[item.id], respondents) for item in items]


def _result(item: ItemSpec, given: list[Given], respondents: int) -> ItemResult:
    texts = [g.text.strip() for g in given if g.text.strip()] if item.kind != "contact" else []
    counts: list[OptionCount] = []
    if item.kind in COUNTED:
        tally: Counter[str] = Counter()
        for g in given:
            tally.update(
                set(g.choices) if item.kind in MULTIPLE else [g.choice] if g.choice else []
            )
        # A comment alone does not answer a Yes / No / Partially question.
        answered = sum(1 for g in given if (g.choices if item.kind in MULTIPLE else g.choice))
        counts = [
            OptionCount(value, label, tally[value], share(tally[value], answered))
            for value, label in item.options
        ]
    else:
        answered = len(texts)
    return ItemResult(item.number, item.kind, item.text, respondents, answered, counts, texts)
