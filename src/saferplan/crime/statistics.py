"""The statistics engine: pure functions with the definitions every report relies on.

No I/O here: counts and populations come in as plain values, so the same arithmetic serves
the CLI, the web app, the documents and the consistency checker, and tests can check it by
hand. Rounding is half-up, to the digits printed (``core.rounding``, shared with youth
justice), and done once, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from saferplan.core.rounding import round_half_up

RATE_PER = 1000
RATE_DECIMALS = 2
PCT_DECIMALS = 1


def rate(count: int, population: int | None) -> Decimal | None:
    """Crimes per 1,000 residents, rounded to 2 decimals; None without a population."""
    if not population:
        return None
    return round_half_up(Decimal(count) * RATE_PER / Decimal(population), RATE_DECIMALS)


def exact_rate(count: int, population: int | None) -> Fraction | None:
    """The rate before rounding: ranks and quartiles use it, so rounding makes no ties."""
    if not population:
        return None
    return Fraction(count * RATE_PER, population)


def pct_change(baseline: int, current: int) -> Decimal | None:
    """(current - baseline) / baseline x 100, to 1 decimal; None when the baseline is 0."""
    if baseline == 0:
        return None
    return round_half_up(Decimal(current - baseline) * 100 / Decimal(baseline), PCT_DECIMALS)


def rate_change(baseline: Decimal | None, current: Decimal | None) -> Decimal | None:
    """Difference of the two rates *as printed*, so a table always adds up as shown.

    (Worked from unrounded rates, a difference can disagree with the printed rates in the
    last digit — a slip found in published assessments.)
    """
    if baseline is None or current is None:
        return None
    return current - baseline


@dataclass(frozen=True)
class Comparison:
    """One row of a comparator table."""

    area: str
    count_baseline: int
    count_period: int
    population_baseline: Any  # PopulationFigure or None
    population_period: Any

    @property
    def rate_baseline(self) -> Decimal | None:
        return rate(self.count_baseline, _value(self.population_baseline))

    @property
    def rate_period(self) -> Decimal | None:
        return rate(self.count_period, _value(self.population_period))

    @property
    def count_change(self) -> int:
        return self.count_period - self.count_baseline

    @property
    def pct_change(self) -> Decimal | None:
        return pct_change(self.count_baseline, self.count_period)

    @property
    def rate_change(self) -> Decimal | None:
        return rate_change(self.rate_baseline, self.rate_period)


def _value(population: Any) -> int | None:
    return None if population is None else int(population.value)


Rankable = float | Decimal | int | Fraction | None


def rank(values: Mapping[str, Rankable]) -> dict[str, int]:
    """Rank 1 = highest. Ties share the better rank (1, 2, 2, 4); None is not ranked."""
    present = {k: v for k, v in values.items() if v is not None}
    ordered = sorted(present.values(), reverse=True)
    first_position: dict[Any, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {k: first_position[v] for k, v in present.items()}


def quartiles(values: Mapping[str, Rankable]) -> dict[str, int]:
    """Quartile of each value among all: 1 = the quarter with the highest values.

    Applied to changes, quartile 1 holds the largest increases ("top quartile increase").
    With n areas ranked 1..n (ties sharing the better rank), quartile = ceil(4 x rank / n).
    """
    ranks = rank(values)
    n = len(ranks)
    return {k: -(-4 * r // n) for k, r in ranks.items()}


QUARTILE_NAMES = {1: "top", 2: "second", 3: "third", 4: "bottom"}


def quartile_phrase(quartile: int, change: Rankable) -> str:
    """The quarter a change falls in, worded from the change itself.

    Quartile 1 holds the largest increases, but when every area fell it holds the smallest
    falls; quartile 4 holds the largest falls, or the smallest increases. So the words come
    from the quartile *and* the sign, never from the quartile alone.
    """
    where = f"in the {QUARTILE_NAMES[quartile]} quarter"
    if change is None or change == 0:
        return f"{where} (no change)"
    rising = change > 0
    if quartile == 1:
        return (
            f"{where}: among the largest increases"
            if rising
            else f"{where}: among the smallest falls"
        )
    if quartile == 4:
        return (
            f"{where}: among the smallest increases"
            if rising
            else f"{where}: among the largest falls"
        )
    return f"{where} (an increase)" if rising else f"{where} (a fall)"


@dataclass(frozen=True)
class Extremes:
    highest: list[tuple[str, Any]]
    lowest: list[tuple[str, Any]]
    most_increased: list[tuple[str, int]]


def extremes(
    current: Mapping[str, float | Decimal | int | None],
    changes: Mapping[str, int] | None = None,
    n: int = 3,
) -> Extremes:
    """The ``n`` child areas (wards, LSOAs) with the highest, lowest and most increased values.

    Ties are broken by name so the lists are stable between runs.
    """
    present = [(k, v) for k, v in current.items() if v is not None]
    by_value = sorted(present, key=lambda kv: (-kv[1], kv[0]))
    by_value_low = sorted(present, key=lambda kv: (kv[1], kv[0]))
    rising = sorted((changes or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return Extremes(by_value[:n], by_value_low[:n], [kv for kv in rising[:n] if kv[1] > 0])


def rolling_12(series: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    """Rolling 12-month totals: the value at month m is the sum of m and the 11 before it.

    Needs consecutive months; the first value appears at the 12th month.
    """
    out: list[tuple[date, int]] = []
    window = 0
    values = [v for _, v in series]
    for i, (month, value) in enumerate(series):
        window += value
        if i >= 12:
            window -= values[i - 12]
        if i >= 11:
            out.append((month, window))
    return out


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Seasonality:
    """Month-of-year means over the months given, against the overall monthly mean.

    Means are kept exact (fractions): the sentence rounds the average once, half-up to a
    whole number, so 2,929.47 is 2,929 and never 2,930 by rounding twice.
    """

    window: tuple[tuple[date, int], ...]  # every month the means were taken over, and its count
    monthly_means: dict[int, Fraction]  # month number -> mean count
    mean: Fraction
    above: list[int]
    below: list[int]

    @property
    def months(self) -> list[date]:
        return [m for m, _ in self.window]

    @property
    def average(self) -> Decimal:
        """The overall monthly average as printed: a whole number, rounded half-up once."""
        return round_half_up(Decimal(self.mean.numerator) / Decimal(self.mean.denominator), 0)

    def sentence(self) -> str:
        names = [MONTH_NAMES[m - 1] for m in self.above]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
        text = f"average {self.average:,} a month"
        return text + (f"; above average in {listed}" if names else "")


def seasonality_window(
    series: Sequence[tuple[date, int]], last: date, months: int = 36
) -> list[tuple[date, int]]:
    """The ``months`` months of ``series`` ending with ``last`` (fewer if it starts later).

    For a financial year 2018-19 that is April 2016 to March 2019: the window ends where the
    period ends, whatever kind of period it is.
    """
    upto = [(m, v) for m, v in series if m <= last]
    return upto[-months:]


def seasonality(series: Sequence[tuple[date, int]], tolerance: float = 0.05) -> Seasonality:
    """Mean count for each calendar month, and which months sit above or below the mean.

    A month is "above" when its mean exceeds the overall monthly mean by more than
    ``tolerance`` (5% by default), so noise of a few crimes is not called a pattern.
    """
    if not series:
        raise ValueError("seasonality needs at least one month")
    by_month: dict[int, list[int]] = {}
    for month, value in series:
        by_month.setdefault(month.month, []).append(value)
    means = {m: Fraction(sum(v), len(v)) for m, v in sorted(by_month.items())}
    mean = Fraction(sum(v for _, v in series), len(series))
    margin = mean * Fraction(str(tolerance))
    above = [m for m, v in means.items() if v > mean + margin]
    below = [m for m, v in means.items() if v < mean - margin]
    return Seasonality(tuple(series), means, mean, above, below)


def direction_word(change: int | Decimal | None, *, rising: str = "increased",
                   falling: str = "fell", flat: str = "did not change") -> str:  # fmt: skip
    """The one place a change becomes a word, so text can never contradict a table."""
    if change is None:
        return "cannot be compared"
    if change > 0:
        return rising
    if change < 0:
        return falling
    return flat
