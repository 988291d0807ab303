"""How actions and ratings show on every page: one RAG colour each, one row shape."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from saferplan.plans.models import NOT_RATED, RAG_LABELS, Action, Rag

RAG_ORDER: list[str | None] = [
    Rag.RED,
    Rag.AMBER,
    Rag.GREEN,
    Rag.COMPLETED,
    Rag.NOT_STARTED,
    NOT_RATED,
    None,
]
# GOV.UK tag colours, the same in the summaries, the tables and every update in a history.
RAG_TAG: dict[str | None, str] = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.COMPLETED: "govuk-tag--blue",
    Rag.NOT_STARTED: "govuk-tag--grey",
    NOT_RATED: "govuk-tag--grey",
    None: "govuk-tag--grey",
}


def rag_tag(rag: str | None) -> str:
    return RAG_TAG.get(rag, "govuk-tag--grey")


def rag_counts(actions: Iterable[Action]) -> list[dict[str, Any]]:
    """Actions by rating, every rating listed (zeros too), in RAG_ORDER."""
    counts = Counter(a.rag() for a in actions)
    return [
        {"rag": r, "label": RAG_LABELS[r], "count": counts.get(r, 0), "tag": RAG_TAG[r]}
        for r in RAG_ORDER
    ]


def action_row(action: Action) -> dict[str, Any]:
    rag = action.rag()
    return {
        "action": action,
        "rag": rag,
        "rag_label": RAG_LABELS.get(rag, str(rag)),
        "tag": rag_tag(rag),
        "overdue": action.is_overdue(),
    }
