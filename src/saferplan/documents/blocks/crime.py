"""Crime blocks: the Strategic Assessment's key findings (the reasons for the priorities),
quoted from its latest kept edition, and the knife crime figures for the area against its
comparators, computed from the warehouse as the assessment computes them."""

from __future__ import annotations

import json
from typing import Any

from saferplan.core.periods import parse_period
from saferplan.documents.blocks import Part, block, items, note, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, text
from saferplan.documents.template import BlockUse

KNIFE_THEMES = ("knife-crime", "weapons")  # the first the themes file has and the data hold


def latest_assessment(ctx: Context) -> Any:
    """The newest kept Strategic Assessment of the year the plan reviews (its calendar
    year, or its financial year), else the newest of any year; None if there is none."""
    from saferplan.editions.models import Document, Edition

    kept = Edition.objects.filter(document=Document.STRATEGIC_ASSESSMENT, edition="public")
    review = parse_period(ctx.review)
    wanted = [str(review.first.year), review.label, str(review.last.year)]
    return kept.filter(period__in=wanted).first() or kept.first()


@block(
    "assessment_findings",
    "The Strategic Assessment's key findings",
    "kept Strategic Assessment editions",
)
def assessment_findings(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.core.errors import SaferplanError
    from saferplan.editions.store import read_file

    edition = latest_assessment(ctx)
    if edition is None:
        return [
            note(
                "No Strategic Assessment has been built yet (saferplan report "
                "strategic-assessment)."
            )
        ]
    file = edition.files.filter(name="figures.json").first()
    try:
        data = json.loads(read_file(file)) if file is not None else {}
    except SaferplanError as exc:
        return [note(f"The Strategic Assessment's figures cannot be read: {exc.message}")]
    findings = [
        {"template": "{finding}", "figs": {}, "words": {"finding": f["text"]}, "text": f["text"]}
        for f in data.get("findings", [])
    ]
    source = (
        f"From {edition.title} (edition {edition.pk}, built {edition.built_at:%d %B %Y}; "
        f"its figures.json has SHA-256 {file.sha256 if file else 'none'} and is checked by "
        "saferplan report check)."
    )
    ctx.cache.setdefault("quoted_editions", []).append(edition.pk)
    return [
        items(
            f"Key findings of {edition.title}",
            findings,
            empty="The assessment has no key findings.",
        ),
        note(source),
    ]


def _theme(ctx: Context) -> Any:
    from saferplan.definitions.service import themes_for

    themes = themes_for(ctx.partnership)  # its own themes when it keeps them, else the shipped
    for key in KNIFE_THEMES:
        if key in themes.themes:
            return themes.themes[key]
    return None


@block(
    "knife_crime_figures",
    "Knife crime in the area against its comparators",
    "police-recorded crime in the warehouse",
)
def knife_crime_figures(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.core.errors import SaferplanError
    from saferplan.crime.comparisons import compare
    from saferplan.datastore.warehouse import Warehouse

    theme = _theme(ctx)
    area = ctx.partnership.area
    if theme is None or not area:
        return [note("No knife crime theme, or no area set for the partnership.")]
    period, baseline = parse_period(ctx.review), parse_period(ctx.review).shifted_years(-1)
    try:
        found = compare(
            Warehouse().connect(), area, theme, period, baseline, list(ctx.partnership.comparators)
        )
    except SaferplanError as exc:
        return [note(f"No knife crime figures: {exc.message}")]
    ctx.import_ids.update(found.import_ids)
    ctx.import_ids.update(found.population_import_ids)
    lines = [_comparison_line(ctx, book, row, period.label, baseline.label) for row in found.rows]
    return [
        table(
            f"{theme.title}: {area} and comparators, {baseline.label} and {period.label}",
            [
                "Area",
                baseline.label,
                period.label,
                "Change",
                "% change",
                "Rate per 1,000",
                "Direction",
            ],
            lines,
            note=f"{theme.definition} Population: {found.population_note}.",
        )
    ]


def _comparison_line(ctx: Context, book: Book, row: Any, period: str, baseline: str) -> list[Any]:
    p = f"knife-crime.{slug(row.area)}"
    before = book.base(
        f"{p}.{slug(baseline)}",
        row.count_baseline,
        "count",
        f"Knife crime, {row.area}",
        baseline,
        ctx.as_at,
        "offences",
    )
    after = book.base(
        f"{p}.count",
        row.count_period,
        "count",
        f"Knife crime, {row.area}",
        period,
        ctx.as_at,
        "offences",
    )
    people = row.population_period.value if row.population_period else None
    population = book.base(
        f"{p}.population", people, "count", f"Population, {row.area}", period, ctx.as_at
    )
    rate = book.derived(
        f"{p}.rate",
        "ratio",
        [after, population],
        "decimal",
        f"Knife crime rate, {row.area}",
        "per 1,000 residents",
        scale=1000,
        decimals=2,
    )
    change = book.derived(
        f"{p}.change", "difference", [after, before], "signed", f"Knife crime change, {row.area}"
    )
    pct = book.derived(
        f"{p}.pct-change",
        "pct_change",
        [before, after],
        "signed_decimal",
        f"Knife crime % change, {row.area}",
        "%",
        decimals=1,
    )
    word = book.derived(
        f"{p}.direction", "direction", [before, after], "word", f"Knife crime direction, {row.area}"
    )
    return [
        text(row.area),
        cell(before),
        cell(after),
        cell(change),
        cell(pct),
        cell(rate),
        cell(word),
    ]
