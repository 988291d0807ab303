"""What readers ask first: has an indicator worsened, or stayed red, for several periods in a
row? Pure functions over one indicator's series, with the direction of good from the
indicator registry (or the measure's own), shared by the plans, the dashboards and the
board progress report."""

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


@dataclass(frozen=True)
class Point:
    """One period of an indicator's series, with the comparator group's figure if published."""

    label: str
    value: Decimal | None
    comparator: Decimal | None = None


@dataclass(frozen=True)
class Run:
    """A called-out run: ``length`` periods in a row, ``first`` to ``last`` (the latest)."""

    kind: str  # 'worsened' | 'red'
    length: int
    first: str
    last: str
    against: str = ""  # the comparator's area, for a red run

    def sentence(self, label: str, periods: str = "periods") -> str:
        """What the dashboards and reports say, e.g. "Reoffending rate has worsened for 4
        quarters in a row (Q1 2022 to Q4 2022)"."""
        span = f"({self.first} to {self.last})"
        if self.kind == "red":
            return (
                f"{label} has been worse than {self.against} for {self.length} {periods} "
                f"in a row {span}"
            )
        return f"{label} has worsened for {self.length} {periods} in a row {span}"


def runs(points: Sequence[Point], better: str, against: str = "") -> list[Run]:
    """The runs of one indicator's series (oldest first) that are called out: worse than the
    period before, and worse than the comparator (red), for ``AT_LEAST`` periods in a row up
    to the latest. A period without a figure, or without a comparator, ends a run."""
    values = [p.value for p in points]
    red = [worse_than(p.value, p.comparator, better) for p in points]
    found = []
    for call in callouts(values, better, red if against else ()):
        first = points[-call.length].label
        found.append(Run(call.kind, call.length, first, points[-1].label, against))
    return found
