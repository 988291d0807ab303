"""Sentences generated from the figures, each carrying the claims it makes.

A sentence records which figures it states and which direction word it used, so the
consistency check can prove the words agree with the numbers ("increase" for a fall is
the commonest slip in hand-written assessments). Direction words come only from
``statistics.direction_word``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from saferplan.crime.statistics import MONTH_NAMES, direction_word

if TYPE_CHECKING:
    from saferplan.reports.assessment import ThemeSection

RISE, FALL, FLAT = "rose", "fell", "did not change"


@dataclass
class Claim:
    """One directional statement: ``metric`` of ``area`` went from ``before`` to ``after``."""

    area: str
    metric: str  # 'count' | 'rate'
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


@dataclass
class Sentence:
    text: str
    claims: list[Claim] = field(default_factory=list)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def ordinal(n: int) -> str:
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} "


def position(rank: int, of: int) -> str:
    """'3rd highest' or, in the lower half, '2nd lowest' (as people say it)."""
    if rank <= (of + 1) // 2:
        return f"{ordinal(rank)}highest"
    return f"{ordinal(of - rank + 1)}lowest"


def listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _change_phrase(section: ThemeSection) -> tuple[str, Claim]:
    row = section.subject
    word = direction_word(row.count_change, rising=RISE, falling=FALL, flat=FLAT)
    claim = Claim(row.area, "count", row.count_baseline, row.count_period, word)
    if row.count_change == 0:
        return f"{word} from {row.count_baseline:,}", claim
    pct = f" {abs(row.pct_change)}%" if row.pct_change is not None else ""
    return f"{word}{pct} ({row.count_change:+,}) from {row.count_baseline:,}", claim


def headline(section: ThemeSection) -> str:
    row = section.subject
    good = section.theme.good_change(row.count_change)
    judged = {
        True: "in the desired direction",
        False: "against the desired direction",
        None: "no change",
    }[good]
    change, _ = _change_phrase(section)
    return f"{row.count_period:,} in {section.table.period.label}, {change} ({judged})."


def theme_sentences(section: ThemeSection) -> list[Sentence]:
    table, row = section.table, section.subject
    out: list[Sentence] = []
    change, claim = _change_phrase(section)
    rate_text = f" ({row.rate_period} per 1,000 residents)" if row.rate_period is not None else ""
    out.append(
        Sentence(
            f"In {table.period.label} {row.area} recorded {row.count_period:,} offences"
            f"{rate_text}; "
            f"the number {change} in {table.baseline.label}.",
            [claim],
        )
    )
    if row.rate_change is not None:
        word = direction_word(row.rate_change, rising=RISE, falling=FALL, flat=FLAT)
        amount = f" by {abs(row.rate_change)} per 1,000" if row.rate_change else ""
        out.append(
            Sentence(
                f"The rate {word}{amount}, from {row.rate_baseline} to {row.rate_period} per 1,000 "
                "residents.",
                [Claim(row.area, "rate", row.rate_baseline, row.rate_period, word)],
            )
        )
    count_rank, rate_rank = section.rank_count[0], section.rank_rate[0]
    if count_rank and rate_rank:
        n = section.areas_ranked
        text = (
            f"Among {n} London boroughs {row.area} had the {position(rate_rank, n)} rate "
            f"(rank {rate_rank} of {n}, 1 = highest)"
        )
        if section.rate_change_quartile:
            phrase = {
                1: "the top quarter (largest increases)",
                2: "the second quarter",
                3: "the third quarter",
                4: "the bottom quarter (largest falls)",
            }
            text += f"; its change in rate was in {phrase[section.rate_change_quartile]}"
        out.append(Sentence(text + "."))
    others = [r for r in table.rows[1:] if r.rate_period is not None]
    if others:
        highest = max(others, key=lambda r: r.rate_period)  # type: ignore[arg-type, return-value]
        lowest = min(others, key=lambda r: r.rate_period)  # type: ignore[arg-type, return-value]
        rising = [r.area for r in others if r.rate_change and r.rate_change > 0]
        falling = [r.area for r in others if r.rate_change and r.rate_change < 0]
        text = (
            f"Of the comparators, {highest.area} had the highest rate ({highest.rate_period}) "
            f"and {lowest.area} the lowest ({lowest.rate_period})"
        )
        claims = [
            Claim(r.area, "rate", r.rate_baseline, r.rate_period, RISE)
            for r in others
            if r.area in rising
        ] + [
            Claim(r.area, "rate", r.rate_baseline, r.rate_period, FALL)
            for r in others
            if r.area in falling
        ]
        if rising:
            text += f"; the rate rose in {listing(rising)}"
        if falling:
            text += f"; it fell in {listing(falling)}"
        out.append(Sentence(text + ".", claims))
    season = section.seasonality
    if season.above:
        months = listing([month_name(m) for m in season.above])
        out.append(
            Sentence(
                f"Over the last three years the average was {season.average:,.0f} offences a "
                f"month, with {months} above average."
            )
        )
    child = section.child_areas
    if child and child.highest:
        kind = "wards" if child.level == "ward" else "LSOAs"
        text = (
            f"By {'ward' if child.level == 'ward' else 'LSOA'}, the highest numbers in "
            f"{child.period_label} were in "
            f"{listing([f'{n} ({c})' for n, c in child.highest])}, and the lowest in "
            f"{listing([f'{n} ({c})' for n, c in child.lowest])}"
        )
        if child.most_increased:
            text += (
                f"; the largest increases were in "
                f"{listing([f'{n} ({c})' for n, c in child.most_increased])}"
            )
        out.append(Sentence(text + f" (all {kind} of {section.subject.area})."))
    return out


def key_findings(sections: list[ThemeSection]) -> list[Sentence]:
    """Largest rises and falls, themes moving against their desired direction, rank moves."""
    out: list[Sentence] = []
    comparable = [s for s in sections if s.subject.pct_change is not None]

    def pct(s: ThemeSection) -> Decimal:
        return s.subject.pct_change or Decimal(0)

    rises = sorted((s for s in comparable if s.subject.count_change > 0), key=pct, reverse=True)[:3]
    falls = sorted((s for s in comparable if s.subject.count_change < 0), key=pct)[:3]
    for group, word in ((rises, RISE), (falls, FALL)):
        if group:
            parts = [
                f"{s.theme.title.lower()} ({abs(s.subject.pct_change)}%, "  # type: ignore[arg-type]
                f"{s.subject.count_baseline:,} to {s.subject.count_period:,})"
                for s in group
            ]
            out.append(
                Sentence(
                    f"The themes that {word} most: {listing(parts)}.",
                    [
                        Claim(
                            s.subject.area,
                            "count",
                            s.subject.count_baseline,
                            s.subject.count_period,
                            word,
                        )
                        for s in group
                    ],
                )
            )
    against = [s for s in sections if s.theme.good_change(s.subject.count_change) is False]
    if against:
        out.append(
            Sentence(
                "Moving against the desired direction: "
                + listing(
                    [f"{s.theme.title.lower()} ({s.subject.count_change:+,})" for s in against]
                )
                + "."
            )
        )
    moved = [
        s
        for s in sections
        if s.rank_rate[0] and s.rank_rate[1] and s.rank_rate[0] != s.rank_rate[1]
    ]
    for s in moved[:3]:
        now, before = s.rank_rate
        assert now is not None and before is not None
        n = s.areas_ranked
        out.append(
            Sentence(
                f"{s.theme.title}: {s.subject.area}'s rate moved from rank {before} to rank {now} "
                f"of {n} London boroughs (1 = highest); it is now the {position(now, n)}."
            )
        )
    return out


def month_name(number: int) -> str:
    return MONTH_NAMES[number - 1]


def harm_sentence(section: ThemeSection, table: Any) -> Sentence:
    """Harm beside volume: the weighted total, its direction, and the table's coverage."""
    h = section.harm
    word = direction_word(h.change, rising=RISE, falling=FALL, flat=FLAT)
    return Sentence(
        f"Weighted by harm ({table.name}), these offences {word} from {h.harm_baseline:,.0f} to "
        f"{h.harm_period:,.0f} harm units; the table weights {h.coverage}% of them.",
        [Claim(section.subject.area, "harm", h.harm_baseline, h.harm_period, word)],
    )
