"""What readers ask first: has an indicator worsened, or stayed red, for several periods in a
row? Pure functions over one indicator's series, with the direction of good from the
indicator registry (or the measure's own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

AT_LEAST = 3  # periods in a row before a run is called out


def worsening_run(values: Sequence[Decimal | None], better: str) -> int:
    """How many periods in a row, ending with the latest, were each worse than the period
    before (``better``: 'lower' or 'higher' is good); 0 when the latest was not."""
    if better not in ("lower", "higher"):
        return 0
    run = 0
    for before, after in zip(values[-2::-1], values[::-1], strict=False):
        if before is None or after is None:
            break
        worse = after > before if better == "lower" else after < before
        if not worse:
            break
        run += 1
    return run


def red_run(red: Sequence[bool | None]) -> int:
    """How many periods in a row, ending with the latest, were red."""
    run = 0
    for flag in reversed(red):
        if not flag:
            break
        run += 1
    return run


def worse_than(value: Decimal | None, comparator: Decimal | None, better: str) -> bool | None:
    """Whether a local figure is worse than its comparator (red), none when either is missing."""
    if value is None or comparator is None or better not in ("lower", "higher"):
        return None
    return value > comparator if better == "lower" else value < comparator


@dataclass(frozen=True)
class Callout:
    kind: str  # 'worsened' | 'red'
    length: int  # periods in the run, the latest last

    def called_out(self) -> bool:
        return self.length >= AT_LEAST


def callouts(
    values: Sequence[Decimal | None], better: str, red: Sequence[bool | None] = ()
) -> list[Callout]:
    """The runs of an indicator that are called out: worsened, and red, for at least
    ``AT_LEAST`` periods in a row up to the latest."""
    found = [Callout("worsened", worsening_run(values, better)), Callout("red", red_run(red))]
    return [c for c in found if c.called_out()]
