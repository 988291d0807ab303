"""Every figure a plan prints, kept in one book with its period, data date and derivation.

A figure is either a base fact read from the records (a count, a population, an amount) or
derived from other figures of the book by a named rule: a ratio, a sum (every total), a
difference, a % change, a direction word, a judgement against the direction of good, an
age in months, a run of worsening or red periods. The same rules recompute every derived
figure in ``report check``, and every figure is printed through one of the formats here,
so a figure changed in ``figures.json`` or in a document is found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.core.rounding import round_half_up, scaled_ratio
from saferplan.documents import callouts

NONE_SHOWN = "–"
SUPPRESSED = "suppressed"  # a count of 1-4 in a public document: never stored, shown "<5"
Value = int | str | None  # whole numbers as int, decimals as their text, words as text


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _money(value: Any) -> str:
    amount = _number(value)
    whole = amount == amount.to_integral_value()
    return f"£{amount:,.0f}" if whole else f"£{amount:,.2f}"


FORMATS: dict[str, Callable[[Any], str]] = {
    "count": lambda v: f"{int(v):,}",
    "decimal": lambda v: str(_number(v)),
    "percent": lambda v: f"{_number(v)}%",
    "money": _money,
    "signed": lambda v: f"{int(v):+,}",
    "signed_decimal": lambda v: f"{_number(v):+}",
    "points": lambda v: f"{_number(v):+} percentage points",
    "months": lambda v: f"{int(v)} month{'' if int(v) == 1 else 's'}",
    "word": str,
    "text": str,
    SUPPRESSED: lambda v: f"{int(v):,}",
}


def show(value: Value, fmt: str) -> str:
    """A figure as every document prints it (– for none; a suppressed count as <5)."""
    if value is None:
        return "<5" if fmt == SUPPRESSED else NONE_SHOWN
    if fmt == SUPPRESSED:
        return FORMATS["count"](value)
    return FORMATS[fmt](value)


def _plain(value: Any) -> Value:
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        # A whole number written without decimals is a count; any other keeps its places.
        whole = value.as_tuple().exponent == 0
        return int(value) if whole else str(value)
    if isinstance(value, float):
        return str(Decimal(str(value)))
    return int(value)


def number(value: Any) -> tuple[Value, str]:
    """A recorded number as a figure's value and its format: whole ones as counts, others
    as decimals without trailing zeros (1936.00 -> 1,936; 74.50 -> 74.5)."""
    if value is None:
        return None, "count"
    amount = _number(value)
    if amount == amount.to_integral_value():
        return int(amount), "count"
    return str(amount.normalize()), "decimal"


def _direction(before: Any, after: Any) -> str | None:
    if before is None or after is None:
        return None
    change = _number(after) - _number(before)
    return "rose" if change > 0 else "fell" if change < 0 else "did not change"


def _judgement(before: Any, after: Any, better: str) -> str | None:
    """'better' or 'worse' in the direction of good; without one, 'higher' or 'lower'."""
    if before is None or after is None:
        return None
    change = _number(after) - _number(before)
    if change == 0:
        return "no change" if better else "the same"
    if better in ("lower", "higher"):
        return "better" if (change < 0) == (better == "lower") else "worse"
    return "higher" if change > 0 else "lower"


def _months_between(first: str, last: str) -> int:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return (b.year - a.year) * 12 + b.month - a.month


def _ratio(values: list[Any], params: dict[str, Any]) -> Value:
    numerator, denominator = values
    if numerator is None or not denominator:
        return None
    return _plain(scaled_ratio(numerator, denominator, params["scale"], params["decimals"]))


def _sum(values: list[Any], params: dict[str, Any]) -> Value:
    return _plain(sum((_number(v) for v in values if v is not None), Decimal(0)))


def _difference(values: list[Any], params: dict[str, Any]) -> Value:
    a, b = values
    return None if a is None or b is None else _plain(_number(a) - _number(b))


def _pct_change(values: list[Any], params: dict[str, Any]) -> Value:
    before, after = values
    if before is None or after is None or _number(before) == 0:
        return None
    exact = (_number(after) - _number(before)) * 100 / _number(before)
    return _plain(round_half_up(exact, params.get("decimals", 1)))


def _rate_ratio(values: list[Any], params: dict[str, Any]) -> Value:
    """(a ÷ n) ÷ (c ÷ m), or a bound of its 95% interval by Katz's log method."""
    a, n, c, m = values
    if not (a and n and c and m) or a > n or c > m:
        return None
    ratio = (Decimal(a) / Decimal(n)) / (Decimal(c) / Decimal(m))
    bound = params.get("bound")
    if bound:
        se = math.sqrt(max(1 / a - 1 / n + 1 / c - 1 / m, 0.0))
        ratio *= Decimal(str(math.exp((-1.96 if bound == "low" else 1.96) * se)))
    return _plain(round_half_up(ratio, params.get("decimals", 2)))


def _runs(values: list[Any], params: dict[str, Any]) -> Value:
    if params.get("red"):
        return callouts.red_run([None if v is None else v == "worse" for v in values])
    numbers = [None if v is None else _number(v) for v in values]
    return callouts.worsening_run(numbers, params["better"])


DERIVATIONS: dict[str, Callable[[list[Any], dict[str, Any]], Value]] = {
    "ratio": _ratio,
    "sum": _sum,
    "difference": _difference,
    "pct_change": _pct_change,
    "direction": lambda v, p: _direction(*v),
    "judgement": lambda v, p: _judgement(v[0], v[1], p.get("better", "")),
    "run": _runs,
    "rate_ratio": _rate_ratio,
}


def derive(kind: str, values: list[Any], params: dict[str, Any], as_at: str) -> Value:
    """The value a derivation gives from the values of the figures it names."""
    if kind == "age_months":
        return _months_between(params["from"], as_at)
    if kind not in DERIVATIONS:
        raise SaferplanError(f"there is no derivation '{kind}'")
    return DERIVATIONS[kind](values, params)


@dataclass
class Book:
    """The figures of one document, by id (``fte.rate``: the name authors refer to them by)."""

    as_at: str  # ISO date the document's ages in months are counted to
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _put(self, fid: str, record: dict[str, Any]) -> str:
        """Add a figure; two blocks may print the same figure, never two under one name."""
        record["shown"] = show(record["value"], record["format"])
        if fid in self.figures and self.figures[fid] != record:
            raise SaferplanError(
                f"two figures of the document are called '{fid}'",
                hint="Give the block a prefix of its own in the template.",
            )
        self.figures[fid] = record
        return fid

    def base(
        self,
        fid: str,
        value: Any,
        fmt: str,
        label: str,
        period: str,
        data_date: str,
        unit: str = "",
        source: str = "",
    ) -> str:
        """A fact read from the records: its value, period and the date of its data."""
        return self._put(
            fid,
            {
                "label": label,
                "value": _plain(value),
                "format": fmt,
                "unit": unit,
                "period": period,
                "data_date": data_date,
                "source": source,
                "derive": None,
            },
        )

    def derived(
        self,
        fid: str,
        kind: str,
        of: Sequence[str],
        fmt: str,
        label: str,
        unit: str = "",
        period: str | None = None,
        **params: Any,
    ) -> str:
        """A figure worked out from others of the book by a named rule (recomputed by the
        check); its period and data date are its inputs' unless given."""
        inputs = [self.figures[i] for i in of]
        value = derive(kind, [f["value"] for f in inputs], params, self.as_at)
        dates = [f["data_date"] for f in inputs if f["data_date"]]
        return self._put(
            fid,
            {
                "label": label,
                "value": value,
                "format": fmt,
                "unit": unit,
                "period": period
                if period is not None
                else (inputs[-1]["period"] if inputs else ""),
                "data_date": max(dates) if dates else "",
                "source": "",
                "derive": {"kind": kind, "of": list(of), **params},
            },
        )

    def value(self, fid: str) -> Any:
        return self.figures[fid]["value"]

    def shown(self, fid: str) -> str:
        return str(self.figures[fid]["shown"])


def cell(fid: str) -> dict[str, str]:
    """A table cell that prints the figure ``fid``."""
    return {"fig": fid}


def text(value: str) -> dict[str, str]:
    """A table cell of words (a label), not a figure."""
    return {"text": value}


def check_figures(book: dict[str, dict[str, Any]], as_at: str) -> list[str]:
    """Every figure whose value is not what its derivation gives, or whose text is not its
    value in its format; derived figures are recomputed from the values as recorded."""
    problems = []
    for fid, f in book.items():
        where = f"Figure {fid} ({f.get('label', '')})"
        rule = f.get("derive")
        if rule:
            missing = [i for i in rule["of"] if i not in book]
            if missing:
                problems.append(f"{where}: is worked out from {missing}, not in figures.json")
                continue
            params = {k: v for k, v in rule.items() if k not in ("kind", "of")}
            try:
                expected = derive(
                    rule["kind"], [book[i]["value"] for i in rule["of"]], params, as_at
                )
            except (ArithmeticError, KeyError, TypeError, ValueError, SaferplanError) as exc:
                problems.append(f"{where}: cannot be worked out again ({exc})")
                continue
            if expected != f["value"]:
                problems.append(
                    f"{where}: is {f['value']!r}, but its {rule['kind']} of "
                    f"{', '.join(rule['of']) or 'its dates'} gives {expected!r}"
                )
        fmt = f.get("format")
        if fmt not in FORMATS:
            problems.append(f"{where}: has no known format ({fmt})")
            continue
        try:
            expected_text = show(f["value"], fmt)
        except (ArithmeticError, TypeError, ValueError) as exc:
            problems.append(f"{where}: its value {f['value']!r} cannot be shown ({exc})")
            continue
        if expected_text != f.get("shown"):
            problems.append(
                f"{where}: is shown as '{f.get('shown')}', its value gives '{expected_text}'"
            )
    return problems
