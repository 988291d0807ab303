"""Sentences generated from the figures, each saying where its figures are in the bundle.

Every figure a sentence prints is a field with the path of its value in ``figures.json``
(``table.0.count_period`` within the theme, ``/period.label`` from the top), and every
direction word is a claim about two figures, so ``report check`` can rebuild each sentence
from the bundle ("increase" for a fall is the commonest slip in hand-written assessments).
Direction words come only from ``statistics.direction_word``, through the field formats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from saferplan.reports.sentences import FALL, FLAT, RISE, Claim, F, Field, S, Sentence

if TYPE_CHECKING:
    from saferplan.reports.sections import ThemeSection

__all__ = ["FALL", "FLAT", "RISE", "key_findings", "write_section"]
ROW = "table.0"


def _change(section: ThemeSection) -> tuple[str, dict[str, Field], Claim]:
    """'rose 6.8% (+949) from 13,939' as a template, its fields and its claim."""
    row = section.subject
    fields = {
        "word": F(f"{ROW}.count_change", "direction", row.count_change),
        "base": F(f"{ROW}.count_baseline", "count", row.count_baseline),
    }
    claim = Claim(row.area, "count", row.count_baseline, row.count_period, fields["word"].shown)
    if row.count_change == 0:
        return "{word} from {base}", fields, claim
    fields["change"] = F(f"{ROW}.count_change", "signed", row.count_change)
    if row.pct_change is None:
        return "{word} ({change}) from {base}", fields, claim
    fields["pct"] = F(f"{ROW}.pct_change", "abs_decimal", row.pct_change)
    return "{word} {pct}% ({change}) from {base}", fields, claim


def headline(section: ThemeSection) -> Sentence:
    row = section.subject
    change, fields, _ = _change(section)
    return S(
        "{count} in {period}, " + change + " ({judged}).",
        count=F(f"{ROW}.count_period", "count", row.count_period),
        period=F("/period.label", "text", section.table.period.label),
        judged=F(
            ["direction", f"{ROW}.count_change"],
            "judged",
            section.theme.direction,
            row.count_change,
        ),
        **fields,
    )


def _opening(section: ThemeSection) -> list[Sentence]:
    row, table = section.subject, section.table
    change, fields, claim = _change(section)
    common = {
        "period": F("/period.label", "text", table.period.label),
        "area": F(f"{ROW}.area", "text", row.area),
        "count": F(f"{ROW}.count_period", "count", row.count_period),
        "baseline": F("/baseline.label", "text", table.baseline.label),
    }
    rate = ""
    if row.rate_period is not None:
        rate = " ({rate} per 1,000 residents)"
        common["rate"] = F(f"{ROW}.rate_period", "decimal", row.rate_period)
    common["unit"] = F("unit", "text", section.theme.unit)
    out = [
        S(
            "In {period} {area} recorded {count} {unit}"
            + rate
            + "; the number "
            + change
            + " in {baseline}.",
            [claim],
            **common,
            **fields,
        )
    ]
    if row.rate_change is not None and row.rate_baseline is not None:
        word = F(f"{ROW}.rate_change", "direction", row.rate_change)
        rate_fields = {
            "word": word,
            "before": F(f"{ROW}.rate_baseline", "decimal", row.rate_baseline),
            "after": F(f"{ROW}.rate_period", "decimal", row.rate_period),
        }
        amount = ""
        if row.rate_change:
            amount = " by {amount} per 1,000"
            rate_fields["amount"] = F(f"{ROW}.rate_change", "abs_decimal", row.rate_change)
        out.append(
            S(
                "The rate {word}" + amount + ", from {before} to {after} per 1,000 residents.",
                [Claim(row.area, "rate", row.rate_baseline, row.rate_period, word.shown)],
                **rate_fields,
            )
        )
    return out


def _ranks(section: ThemeSection) -> list[Sentence]:
    rank, n, row = section.rank_rate[0], section.areas_ranked, section.subject
    if not (section.rank_count[0] and rank):
        return []
    fields = {
        "n": F("areas_ranked_by_rate", "count", n),
        "area": F(f"{ROW}.area", "text", row.area),
        "position": F(["rank_rate.period", "areas_ranked_by_rate"], "position", rank, n),
        "rank": F("rank_rate.period", "count", rank),
    }
    text = (
        "Among {n} London boroughs {area} had the {position} rate (rank {rank} of {n}, 1 = highest)"
    )
    if section.rate_change_quartile:
        text += "; its change in rate was {quartile}"
        fields["quartile"] = F(
            ["rate_change_quartile", f"{ROW}.rate_change"],
            "quartile",
            section.rate_change_quartile,
            row.rate_change,
        )
    return [S(text + ".", **fields)]


def _comparators(section: ThemeSection) -> list[Sentence]:
    rows = list(enumerate(section.table.rows))[1:]
    others = [(i, r) for i, r in rows if r.rate_period is not None]
    if not others:
        return []
    high = max(others, key=lambda ir: ir[1].rate_period or Decimal(0))
    low = min(others, key=lambda ir: ir[1].rate_period or Decimal(0))
    fields = {
        "high": F(f"table.{high[0]}.area", "text", high[1].area),
        "high_rate": F(f"table.{high[0]}.rate_period", "decimal", high[1].rate_period),
        "low": F(f"table.{low[0]}.area", "text", low[1].area),
        "low_rate": F(f"table.{low[0]}.rate_period", "decimal", low[1].rate_period),
    }
    text = (
        "Of the comparators, {high} had the highest rate ({high_rate}) and {low} the lowest "
        "({low_rate})"
    )
    claims = []
    for name, word, sign in (("rising", RISE, 1), ("falling", FALL, -1)):
        moved = [(i, r) for i, r in others if r.rate_change and r.rate_change * sign > 0]
        if not moved:
            continue
        text += "; the rate rose in {rising}" if sign > 0 else "; it fell in {falling}"
        fields[name] = F(
            [f"table.{i}.area" for i, _ in moved], "listing", *[r.area for _, r in moved]
        )
        claims += [Claim(r.area, "rate", r.rate_baseline, r.rate_period, word) for _, r in moved]
    return [S(text + ".", claims, **fields)]


def _seasonality(section: ThemeSection) -> list[Sentence]:
    season = section.seasonality
    if not season.above:
        return []
    return [
        S(
            "Over the {n} months to {last} the average was {average} {unit} a month, with "
            "{months} above average.",
            unit=F("unit", "text", section.theme.unit),
            n=F("seasonality.window_months", "count", len(season.months)),
            last=F("seasonality.last", "month_year", season.months[-1]),
            average=F("seasonality.average", "count", season.average),
            months=F("seasonality.above", "months", season.above),
        )
    ]


def _places(
    indexes: list[int], key: str, column: str, areas: list[Any]
) -> tuple[str, dict[str, Field]]:
    parts, fields = [], {}
    for n, i in enumerate(indexes):
        value = areas[i].shown if column == "count" else areas[i].change_shown
        fields[f"{key}{n}"] = F(f"child_areas.areas.{i}.name", "text", areas[i].name)
        fields[f"{key}{n}_value"] = F(f"child_areas.areas.{i}.{column}", "text", value)
        parts.append(f"{{{key}{n}}} ({{{key}{n}_value}})")
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    return text, fields


def _child_areas(section: ThemeSection) -> list[Sentence]:
    child = section.child_areas
    if not child or not child.highest:
        return []
    kind, kinds = ("ward", "wards") if child.level == "ward" else ("LSOA", "LSOAs")
    high, fields = _places(child.highest, "h", "count", child.areas)
    low, low_fields = _places(child.lowest, "l", "count", child.areas)
    by = f"By {kind}"
    if child.level == "ward":
        by += " ({wards})"
        fields["wards"] = F("child_areas.vintage", "wards", child.vintage)
    text = f"{by}, the highest numbers in {{period}} were in {high}, and the lowest in {low}"
    fields.update(low_fields)
    if child.most_increased:
        up, up_fields = _places(child.most_increased, "u", "change", child.areas)
        text += f"; the largest increases were in {up}"
        fields.update(up_fields)
    fields["period"] = F("/period.label", "text", child.period_label)
    fields["area"] = F(f"{ROW}.area", "text", section.subject.area)
    out = [S(text + f" (all {kinds} of {{area}}).", **fields)]
    out += _child_total(section, child, kind)
    return out


def _child_total(section: ThemeSection, child: Any, kind: str) -> list[Sentence]:
    """Totals that leave things out say so: which categories, and by how much."""
    borough = section.subject.count_period
    if child.total == borough:
        return []
    fields = {
        "total": F("child_areas.total", "count", child.total),
        "borough": F(f"{ROW}.count_period", "count", borough),
    }
    others = abs(borough - child.total - child.left_out_count)
    if child.left_out:
        why = "they have no {left_out} ({left_count} of the borough's {unit})"
        fields["unit"] = F("unit", "text", section.theme.unit)
        fields["left_out"] = F("child_areas.left_out", "categories", child.left_out)
        fields["left_count"] = F("child_areas.left_out_count", "count", child.left_out_count)
        if others:
            why += ", and the other categories differ by {others}"
            fields["others"] = F("child_areas.others_differ_by", "count", others)
    elif child.total < borough:
        why = f"some {{unit}} are recorded for the borough but not for any {kind}"
        fields["unit"] = F("unit", "text", section.theme.unit)
    else:
        why = f"the {kind} file is compiled apart from the borough's and counts a few more"
    return [S(f"The {kind} figures add up to {{total}}, not the borough's {{borough}}: {why}.",
              **fields)]  # fmt: skip


def _not_compared(section: ThemeSection) -> list[Sentence]:
    """Comparators the section's source has no figures for, named rather than shown as none."""
    missing = section.table.left_out
    if not missing:
        return []
    names = F([f"comparators_left_out.{i}" for i in range(len(missing))], "listing", *missing)
    verb, them = ("has", "it") if len(missing) == 1 else ("have", "them")
    return [
        S(
            "{names} " + verb + " no figures in {source}, so the table leaves " + them + " out.",
            names=names,
            source=F("source_label", "text", _source_label(section.table.source)),
        )
    ]


def _source_label(source: str) -> str:
    from saferplan.reports.bundle import SOURCE_LABELS

    return SOURCE_LABELS.get(source, source)


def harm_sentence(section: ThemeSection, table: Any) -> Sentence:
    """Harm beside volume: the weighted total, its direction, and the table's coverage."""
    h = section.harm
    assert h is not None
    word = F("harm.change", "direction", h.change)
    return S(
        "Weighted by harm ({name}), these offences {word} from {before} to {after} harm units; "
        "the table weights {coverage}% of them.",
        [Claim(section.subject.area, "harm", h.harm_baseline, h.harm_period, word.shown)],
        name=F("/harm_table.name", "text", table.name),
        word=word,
        before=F("harm.baseline", "thousands", h.harm_baseline),
        after=F("harm.period", "thousands", h.harm_period),
        coverage=F("harm.coverage_pct", "decimal", h.coverage),
    )


def write_section(section: ThemeSection, harm_table: Any = None) -> None:
    """The section's headline and sentences, in reading order."""
    section.headline = headline(section)
    section.sentences = (
        _opening(section)
        + _ranks(section)
        + _not_compared(section)
        + _comparators(section)
        + _seasonality(section)
        + _child_areas(section)
    )
    if section.harm is not None and harm_table is not None:
        section.sentences.append(harm_sentence(section, harm_table))


def _theme_part(i: int, s: ThemeSection, key: str) -> tuple[str, dict[str, Field]]:
    row, base = s.subject, f"/themes.{i}.table.0"
    fields = {
        f"{key}": F(f"/themes.{i}.title", "lower", s.theme.title),
        f"{key}_pct": F(f"{base}.pct_change", "abs_decimal", row.pct_change),
        f"{key}_from": F(f"{base}.count_baseline", "count", row.count_baseline),
        f"{key}_to": F(f"{base}.count_period", "count", row.count_period),
    }
    return f"{{{key}}} ({{{key}_pct}}%, {{{key}_from}} to {{{key}_to}})", fields


def _largest_changes(sections: list[ThemeSection]) -> list[Sentence]:
    out = []
    indexed = [(i, s) for i, s in enumerate(sections) if s.subject.pct_change is not None]

    def pct(item: tuple[int, ThemeSection]) -> Decimal:
        return item[1].subject.pct_change or Decimal(0)

    rises = sorted((x for x in indexed if x[1].subject.count_change > 0), key=pct, reverse=True)
    falls = sorted((x for x in indexed if x[1].subject.count_change < 0), key=pct)
    for group, word in ((rises[:3], RISE), (falls[:3], FALL)):
        if not group:
            continue
        parts, fields = [], {}
        for n, (i, s) in enumerate(group):
            text, more = _theme_part(i, s, f"t{n}")
            parts.append(text)
            fields.update(more)
        claims = [
            Claim(s.subject.area, "count", s.subject.count_baseline, s.subject.count_period, word)
            for _, s in group
        ]
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
        kind = "rises" if word == RISE else "falls"
        out.append(S(f"The themes that {word} most: {joined}.", claims, kind, **fields))
    return out


def _against(sections: list[ThemeSection]) -> list[Sentence]:
    against = [
        (i, s)
        for i, s in enumerate(sections)
        if s.theme.good_change(s.subject.count_change) is False
    ]
    if not against:
        return []
    parts, fields = [], {}
    for n, (i, s) in enumerate(against):
        fields[f"t{n}"] = F(f"/themes.{i}.title", "lower", s.theme.title)
        fields[f"t{n}_change"] = F(
            f"/themes.{i}.table.0.count_change", "signed", s.subject.count_change
        )
        parts.append(f"{{t{n}}} ({{t{n}_change}})")
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    return [S(f"Moving against the desired direction: {joined}.", (), "against", **fields)]


def rank_moves(sections: list[ThemeSection]) -> list[tuple[int, ThemeSection]]:
    """Themes whose rate rank moved, largest moves first (theme order breaks ties)."""
    moved = [
        (i, s)
        for i, s in enumerate(sections)
        if s.rank_rate[0] and s.rank_rate[1] and s.rank_rate[0] != s.rank_rate[1]
    ]
    return sorted(moved, key=lambda x: -abs((x[1].rank_rate[0] or 0) - (x[1].rank_rate[1] or 0)))


def _rank_moves(sections: list[ThemeSection]) -> list[Sentence]:
    out = []
    for i, s in rank_moves(sections)[:3]:
        now, before = s.rank_rate
        base = f"/themes.{i}"
        out.append(
            S(
                "{title}: {area}'s rate moved from rank {before} to rank {now} of {n} London "
                "boroughs (1 = highest); it is now the {position}.",
                (),
                "rank-move",
                title=F(f"{base}.title", "text", s.theme.title),
                area=F(f"{base}.table.0.area", "text", s.subject.area),
                before=F(f"{base}.rank_rate.baseline", "count", before),
                now=F(f"{base}.rank_rate.period", "count", now),
                n=F(f"{base}.areas_ranked_by_rate", "count", s.areas_ranked),
                position=F(
                    [f"{base}.rank_rate.period", f"{base}.areas_ranked_by_rate"],
                    "position",
                    now,
                    s.areas_ranked,
                ),
            )
        )
    return out


def key_findings(sections: list[ThemeSection]) -> list[Sentence]:
    """Largest rises and falls, themes moving against their desired direction, rank moves."""
    return _largest_changes(sections) + _against(sections) + _rank_moves(sections)
