"""What the public page says of an edition's route: the decisions that stand, as the
document was adopted, and only the date and body of each return for changes.

A return undoes the approvals after the state it went back to, so showing them beside the
later ones would read as two approvals of the same document; but a return is itself a
public decision (a committee's minutes record it), so it is named, not hidden."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def route_as_adopted(history: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """The steps that stand and the returns, from every step oldest first (pure)."""
    standing: list[Any] = []
    returns: list[Any] = []
    for step in history:
        if step.kind != "returned":
            standing.append(step)
            continue
        returns.append(step)
        while standing and standing[-1].to_state != step.to_state:
            standing.pop()
    return standing, returns
