"""Sentences that say where each of their figures comes from.

A sentence is a template whose every figure is a named field; each field records the path
of the value it shows in the figures bundle and the format that turned the value into text.
``report check`` resolves every path in the bundle, formats the value again and rebuilds the
text, so a figure changed in the text ("14,999" for 14,888) or a template that prints a
number of its own is found; claims record the direction words, checked against the
figures they describe ("fell" for a rise).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from saferplan.crime.statistics import MONTH_NAMES, direction_word, quartile_phrase

RISE, FALL, FLAT = "rose", "fell", "did not change"
# Numbers a template may print itself: the unit of every rate, the meaning of rank 1 and
# the 12 months of a rolling total.
TEMPLATE_NUMBERS = {"1,000", "1", "12"}
NUMBER = re.compile(r"\d[\d,.]*")


def ordinal(n: int) -> str:
    """'' for 1 (so "the highest"), else '2nd ', '3rd ', '11th '..."""
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} "


def position(rank: int, of: int) -> str:
    """'3rd highest' or, in the lower half, '2nd lowest' (as people say it)."""
    if rank <= (of + 1) // 2:
        return f"{ordinal(rank)}highest"
    return f"{ordinal(of - rank + 1)}lowest"


def listing(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _decimal(value: Any) -> str:
    return str(_number(value))


def _month_year(value: Any, short: bool = False) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    name = MONTH_NAMES[day.month - 1]
    return f"{name[:3] if short else name} {day.year}"


def _judged(direction: str, change: Any) -> str:
    """Whether a change is the one the theme wants (fewer burglaries; more hate-crime reports)."""
    value = _number(change)
    if value == 0:
        return "no change"
    good = (value < 0) == (direction == "down")
    return "in the desired direction" if good else "against the desired direction"


FORMATS: dict[str, Callable[..., str]] = {
    "text": lambda v: str(v),
    "count": _count,
    "abs_count": lambda v: f"{abs(int(v)):,}",
    "signed": lambda v: f"{int(v):+,}",
    "decimal": _decimal,
    "abs_decimal": lambda v: str(abs(_number(v))),
    "thousands": lambda v: f"{_number(v):,.0f}",
    "month": lambda v: MONTH_NAMES[int(v) - 1],
    "months": lambda v: listing([MONTH_NAMES[int(m) - 1] for m in v]),
    "month_year": _month_year,
    "mon_year": lambda v: _month_year(v, short=True),
    "position": lambda rank, of: position(int(rank), int(of)),
    "quartile": lambda q, change: quartile_phrase(
        int(q), None if change is None else _number(change)
    ),
    "lower": lambda v: str(v).lower(),
    "capital": lambda v: str(v)[:1].upper() + str(v)[1:],
    "listing": lambda *v: listing([str(x) for x in v]),
    "categories": lambda v: listing([str(x).lower() for x in v]),
    "judged": lambda direction, change: _judged(direction, change),
    "wards": lambda vintage: f"the {vintage} wards" if vintage else "the wards",
    "direction": lambda change: direction_word(
        None if change is None else _number(change), rising=RISE, falling=FALL, flat=FLAT
    ),
}


@dataclass(frozen=True)
class Field:
    """One figure of a sentence: where its value is in the bundle, and how it is written."""

    paths: tuple[str, ...]  # "table.0.count_period" (in the theme) or "/period.label"
    format: str
    shown: str

    def as_dict(self) -> dict[str, Any]:
        return {"paths": list(self.paths), "format": self.format, "shown": self.shown}


def F(path: str | Sequence[str], format: str, *values: Any) -> Field:
    """A field showing ``values`` (found at ``path`` in the bundle) in ``format``."""
    paths = (path,) if isinstance(path, str) else tuple(path)
    return Field(paths, format, FORMATS[format](*values))


@dataclass
class Claim:
    """One directional statement: ``metric`` of ``area`` went from ``before`` to ``after``."""

    area: str
    metric: str  # 'count' | 'rate' | 'harm'
    before: Any
    after: Any
    word: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "metric": self.metric,
            "before": _plain(self.before),
            "after": _plain(self.after),
            "word": self.word,
        }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@dataclass
class Sentence:
    template: str
    fields: dict[str, Field] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    kind: str = ""  # what a key finding is about: 'rises', 'falls', 'against', 'rank-move'

    @property
    def text(self) -> str:
        return self.template.format(**{k: f.shown for k, f in self.fields.items()})

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "template": self.template,
            "fields": {k: f.as_dict() for k, f in self.fields.items()},
            "claims": [c.as_dict() for c in self.claims],
            "kind": self.kind,
        }


def S(template: str, claims: Sequence[Claim] = (), kind: str = "", /, **fields: Field) -> Sentence:
    return Sentence(template, dict(fields), list(claims), kind)


def resolve(path: str, theme: Mapping[str, Any] | None, root: Mapping[str, Any]) -> Any:
    """The value at a dotted path: in ``theme`` or, with a leading '/', in the whole bundle."""
    node: Any = root if path.startswith("/") or theme is None else theme
    for part in path.lstrip("/").split("."):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, Mapping):
            node = node[part]
        else:
            raise KeyError(path)
    return node


def verify(
    where: str,
    sentence: Mapping[str, Any],
    theme: Mapping[str, Any] | None,
    root: Mapping[str, Any],
) -> list[str]:
    """Problems with one recorded sentence: a field that is not the bundle's value, a text
    that is not its template filled in, or a number the template prints on its own."""
    problems = []
    template, text = sentence.get("template"), sentence.get("text", "")
    if template is None:
        return [f"{where}: \u201c{text}\u201d does not record where its figures come from"]
    shown: dict[str, str] = {}
    for name, f in sentence.get("fields", {}).items():
        shown[name] = f["shown"]
        try:
            values = [resolve(p, theme, root) for p in f["paths"]]
            expected = FORMATS[f["format"]](*values)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            problems.append(f"{where}: the figure '{f['shown']}' points to nothing ({exc})")
            continue
        if expected != f["shown"]:
            problems.append(
                f"{where}: \u201c{text}\u201d shows '{f['shown']}' where the figures give "
                f"'{expected}' ({', '.join(f['paths'])})"
            )
    try:
        rebuilt = template.format(**shown)
    except (KeyError, IndexError, ValueError) as exc:
        return [*problems, f"{where}: the template of \u201c{text}\u201d is broken ({exc})"]
    if rebuilt != text:
        problems.append(
            f"{where}: \u201c{text}\u201d is not what its figures say: \u201c{rebuilt}\u201d"
        )
    literal = re.sub(r"\{[^{}]*\}", " ", template)
    for number in NUMBER.findall(literal):
        if number.rstrip(".,") not in TEMPLATE_NUMBERS:
            problems.append(
                f"{where}: \u201c{text}\u201d prints {number} without saying where it comes from"
            )
    return problems
