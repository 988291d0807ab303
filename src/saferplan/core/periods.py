"""Periods a partnership reports on, parsed from what people type.

Accepted: ``2018`` (calendar year), ``2018-19`` or ``FY2018-19`` (financial year, April to
March), ``12m-2019-03`` (12 months ending March 2019), ``2018-01..2018-06`` (a month range,
inclusive) and ``2018-06`` (one month). ``2011-12`` reads as the financial year 2011/12, as
people write it; write ``2011-12..2011-12`` for December 2011 alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saferplan.core.errors import SaferplanError

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive run of whole months."""

    first: date  # first day of the first month
    last: date  # first day of the last month
    label: str
    kind: str  # 'calendar-year' | 'financial-year' | '12-months' | 'months' | 'month'

    @property
    def months(self) -> list[date]:
        out, current = [], self.first
        while current <= self.last:
            out.append(current)
            current = add_months(current, 1)
        return out

    @property
    def reference_year(self) -> int:
        """The year whose mid-year population suits the period: the one holding its middle."""
        months = self.months
        return months[(len(months) - 1) // 2].year

    @property
    def whole_years(self) -> list[int] | None:
        """The calendar years it is made of, if it is made of whole calendar years."""
        if self.first.month != 1 or self.last.month != 12:
            return None
        return list(range(self.first.year, self.last.year + 1))

    def shifted_years(self, years: int) -> Period:
        """The same span ``years`` earlier (negative) or later."""
        first, last = add_months(self.first, 12 * years), add_months(self.last, 12 * years)
        return Period(first, last, _label(self.kind, first, last), self.kind)


def _label(kind: str, first: date, last: date) -> str:
    if kind == "calendar-year":
        return str(first.year)
    if kind == "financial-year":
        return f"{first.year}/{str(last.year)[2:]}"
    if kind == "12-months":
        return f"12 months to {MONTH_NAMES[last.month - 1]} {last.year}"
    if kind == "month":
        return f"{MONTH_NAMES[first.month - 1]} {first.year}"
    start, end = MONTH_NAMES[first.month - 1][:3], MONTH_NAMES[last.month - 1][:3]
    return f"{start} {first.year} to {end} {last.year}"


def _make(kind: str, first: date, last: date) -> Period:
    return Period(first, last, _label(kind, first, last), kind)


def parse_period(text: str) -> Period:
    raw = text.strip()
    value = raw.upper()
    if m := re.fullmatch(r"(\d{4})", value):
        year = int(m.group(1))
        return _make("calendar-year", date(year, 1, 1), date(year, 12, 1))
    if m := re.fullmatch(r"(?:FY)?(\d{4})[-/](\d{2}|\d{4})", value):
        start = int(m.group(1))
        end = int(m.group(2)) if len(m.group(2)) == 4 else (start // 100) * 100 + int(m.group(2))
        financial = value.startswith("FY")
        if (
            not financial
            and len(m.group(2)) == 2
            and 1 <= int(m.group(2)) <= 12
            and end != start + 1
        ):
            return _make("month", date(start, int(m.group(2)), 1), date(start, int(m.group(2)), 1))
        if end != start + 1:
            raise SaferplanError(
                f"'{raw}' is not a financial year: the second year must follow the first",
                hint="Write financial years like 2018-19.",
            )
        return _make("financial-year", date(start, 4, 1), date(end, 3, 1))
    if m := re.fullmatch(r"12M-(\d{4})-(\d{2})", value):
        last = _month(raw, int(m.group(1)), int(m.group(2)))
        return _make("12-months", add_months(last, -11), last)
    if m := re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", value):
        first = _month(raw, int(m.group(1)), int(m.group(2)))
        last = _month(raw, int(m.group(3)), int(m.group(4)))
        if last < first:
            raise SaferplanError(f"'{raw}' ends before it starts")
        return _make("months", first, last)
    raise SaferplanError(
        f"'{raw}' is not a period",
        hint="Use 2018 (calendar year), 2018-19 (financial year), 12m-2019-03 "
        "(12 months to March 2019), 2018-01..2018-06 (months) or 2018-06 (one month).",
    )


def _month(raw: str, year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise SaferplanError(f"'{raw}': {month} is not a month number")
    return date(year, month, 1)
