"""Small-number suppression for public editions, stated once and quoted in the methods annex."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``below - 1`` show as "<below"; others round to the nearest ``round_to``.

    Applied in public editions to small-area figures (wards, LSOAs), where a handful of
    crimes could identify a victim; borough and comparator totals are published as they are.
    Zero stays zero: it discloses nothing.
    """

    below: int = 5
    round_to: int = 5

    def apply(self, count: int) -> str:
        if count == 0:
            return "0"
        if count < self.below:
            return f"<{self.below}"
        if self.round_to <= 1:
            return f"{count:,}"
        rounded = int((count + self.round_to / 2) // self.round_to * self.round_to)
        return f"{rounded:,}"

    def describe(self) -> str:
        return (
            f"In this public edition, ward and LSOA counts from 1 to {self.below - 1} are shown "
            f"as \u201c<{self.below}\u201d and other ward and LSOA counts are rounded to the "
            f"nearest {self.round_to}. Borough and comparator figures are not rounded."
        )


NO_SUPPRESSION = SuppressionRule(below=1, round_to=1)
