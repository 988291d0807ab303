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
    against_value: Decimal | None = None  # the comparator's figure in the latest period

    def sentence(self, label: str, periods: str = "periods", unit: str = "") -> str:
        """What the dashboards and reports say, e.g. "Reoffending rate has worsened for 4
        quarters in a row (Q1 2022 to Q4 2022)"; a red run names its comparator and the
        comparator's latest figure ("worse than the YOT family average for 3 years in a row
        (2017/18 to 2019/20); the average in 2019/20 was 30%")."""
        span = f"({self.first} to {self.last})"
        if self.kind != "red":
            return f"{label} has worsened for {self.length} {periods} in a row {span}"
        said = f"{label} has been worse than the {self.against} average for {self.length} "
        said += f"{periods} in a row {span}"
        if self.against_value is not None:
            said += f"; the average in {self.last} was {shown(self.against_value, unit)}"
        return said


def shown(value: Decimal, unit: str = "") -> str:
    """A published figure as written in a sentence: 30%, 221 per 100,000, 1.5."""
    number = f"{value.normalize():f}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".strip() if unit.startswith("per ") else number


def runs(points: Sequence[Point], better: str, against: str = "") -> list[Run]:
    """The runs of one indicator's series (oldest first) that are called out: worse than the
    period before, and worse than the comparator (red), for ``AT_LEAST`` periods in a row up
    to the latest. A period without a figure, or without a comparator, ends a run."""
    values = [p.value for p in points]
    red = [worse_than(p.value, p.comparator, better) for p in points]
    found = []
    for call in callouts(values, better, red if against else ()):
        first = points[-call.length].label
        latest = points[-1].comparator if call.kind == "red" else None
        found.append(Run(call.kind, call.length, first, points[-1].label, against, latest))
    return found
