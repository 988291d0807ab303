"""Outcome measures and the Knife Crime Action Plan's actions: what each authority measures
success by (baseline, target, direction, the latest actual and its movement, beside the
RAG of the actions meant to move it), and the actions tagged to the Knife Crime Action
Plan under each theme of the London Knife Crime Strategy."""

from __future__ import annotations

from typing import Any

from saferplan.documents.blocks import Part, block, slug, table
from saferplan.documents.blocks.plans import (
    actions_of,
    latest_text,
    lead_of,
    no_plan,
    rag_of,
    review_point_of,
)
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, number, text
from saferplan.documents.template import BlockUse

SOURCE = "the delivery plan"
# The themes of the London Knife Crime Strategy (MOPAC, June 2017), in its order.
LKCS_THEMES = {
    "targeting-lawbreakers": "Targeting lawbreakers",
    "offering-ways-out-of-crime": "Offering ways out of crime",
    "keeping-deadly-weapons-off-our-streets": "Keeping deadly weapons off our streets",
    "protecting-and-educating-young-people": "Protecting and educating young people",
    "standing-with-communities": "Standing with communities, neighbourhoods and families "
    "against knife crime",
    "supporting-victims": "Supporting victims of knife crime",
}


def measure_figures(ctx: Context, book: Book, m: Any, prefix: str) -> dict[str, str]:
    """A measure's baseline, latest actual, change and its judgement against its direction."""
    latest = max(m.actuals.all(), key=lambda a: a.period, default=None)
    value, fmt = number(m.baseline_value)
    base = book.base(
        f"{prefix}.baseline", value, fmt, f"{m.name}: baseline", m.baseline_period, ctx.as_at
    )
    value, fmt = number(None if latest is None else latest.value)
    actual = book.base(
        f"{prefix}.latest",
        value,
        fmt,
        f"{m.name}: latest",
        latest.period if latest else "",
        ctx.as_at,
        source=latest.provenance if latest else "",
    )
    change = book.derived(
        f"{prefix}.change",
        "difference",
        [actual, base],
        "signed_decimal",
        f"{m.name}: change since the baseline",
    )
    better = "lower" if m.direction == "down" else "higher"
    judged = book.derived(
        f"{prefix}.movement",
        "judgement",
        [base, actual],
        "word",
        f"{m.name}: movement",
        better=better,
    )
    return {
        "baseline": base,
        "latest": actual,
        "change": change,
        "movement": judged,
        "period": latest.period if latest else "",
    }


def actions_rag(m: Any) -> str:
    """The RAG of the actions meant to move a measure: 'Red 1, Green 2', or none linked."""
    ratings: dict[str, int] = {}
    for a in m.actions.all():
        ratings[rag_of(a)] = ratings.get(rag_of(a), 0) + 1
    return ", ".join(f"{k} {v}" for k, v in ratings.items()) or "No action linked"


@block(
    "outcome_measures",
    "How success is measured: outcome measures and their movement",
    "the delivery plan's outcome measures",
)
def outcome_measures(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.plans.models import Measure

    if ctx.plan is None:
        return no_plan(ctx, ctx.year_label)
    measures = (
        Measure.objects.filter(objective__priority__year=ctx.plan)
        .select_related("objective")
        .prefetch_related("actuals", "actions__updates")
        .order_by("objective__order", "id")
    )
    lines = []
    for m in measures:
        f = measure_figures(ctx, book, m, f"measure.{m.pk}")
        lines.append(
            [
                text(m.objective.code),
                text(m.name),
                text(m.baseline_period),
                cell(f["baseline"]),
                text(m.target),
                text(m.get_direction_display()),
                text(f["period"]),
                cell(f["latest"]),
                cell(f["change"]),
                cell(f["movement"]),
                text(actions_rag(m)),
            ]
        )
    columns = [
        "Objective",
        "Measure",
        "Baseline period",
        "Baseline",
        "Target",
        "Direction",
        "Latest period",
        "Latest",
        "Change",
        "Movement",
        "Actions behind it (RAG)",
    ]
    return [
        table(
            f"Outcome measures of the {ctx.year_label} plan",
            columns,
            lines,
            empty="The plan has no outcome measures yet.",
        )
    ]


@block(
    "knife_crime_actions",
    "Knife Crime Action Plan actions under a London Knife Crime Strategy theme",
    SOURCE,
    params=("theme",),
)
def knife_crime_actions(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.plans.links import KNIFE_CRIME_ACTION_PLAN, THEME_PREFIX, tagged

    if ctx.plan is None:
        return no_plan(ctx, ctx.year_label)
    theme = use.param("theme")
    actions = tagged(actions_of(ctx.plan, KNIFE_CRIME_ACTION_PLAN), THEME_PREFIX + theme)
    lines = [
        [
            text(a.text),
            text(lead_of(a)),
            text(review_point_of(a)),
            text(rag_of(a)),
            text(latest_text(a)),
        ]
        for a in actions
    ]
    n = book.base(
        f"knife-crime.{slug(theme)}.actions",
        len(actions),
        "count",
        f"Knife Crime Action Plan actions: {LKCS_THEMES.get(theme, theme)}",
        ctx.year_label,
        ctx.as_at,
    )
    return [
        table(
            LKCS_THEMES.get(theme, theme),
            ["Action", "Lead", "Deadline", "RAG", "Progress"],
            lines,
            empty="No action is tagged to this theme.",
            note=f"Actions tagged {KNIFE_CRIME_ACTION_PLAN} and {THEME_PREFIX}{theme}.",
        ),
        table("", ["", "Actions"], [[text("Actions under this theme"), cell(n)]]),
    ]
