"""Which of a document's statutory requirements its sections meet (the Community Safety
Plan against s6 (a)-(f) of the Crime and Disorder Act 1998): a pure function of the
requirements, the sections that cover each, and which sections have content."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Coverage:
    key: str
    requirement: str
    sections: tuple[str, ...]  # headings of the sections that cover it
    met_by: tuple[str, ...]  # those of them with content

    @property
    def met(self) -> bool:
        return bool(self.met_by)


def coverage(
    requirements: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, str, Sequence[str]]],
    filled: Mapping[str, bool],
) -> list[Coverage]:
    """Each requirement (key, text), the sections (key, heading, requirements covered)
    covering it, and those of them with content (``filled``: section key -> has any)."""
    out = []
    for key, text in requirements:
        covering = [(k, heading) for k, heading, covers in sections if key in covers]
        out.append(
            Coverage(
                key,
                text,
                tuple(h for _, h in covering),
                tuple(h for k, h in covering if filled.get(k)),
            )
        )
    return out
