"""Delivery plan blocks: the priorities, the actions (all of them, by lead organisation, or
those tagged for a document or a theme), last year's plan and how far it was delivered,
and the outcome measures with their baselines, targets and movement beside the RAG of the
actions meant to move them."""

from __future__ import annotations

from typing import Any

from saferplan.documents.blocks import Part, block, note, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, text
from saferplan.documents.template import BlockUse

SOURCE = "the delivery plan"
NO_UPDATE = "No update"


def actions_of(year: Any, tag: str = "") -> list[Any]:
    from saferplan.plans.links import tagged
    from saferplan.plans.models import Action

    found = list(
        Action.objects.filter(objective__priority__year=year)
        .select_related("objective__priority", "lead_organisation")
        .prefetch_related("updates", "measures")
        .order_by("objective__priority__order", "objective__order", "id")
    )
    return tagged(found, tag) if tag else found


def rag_of(action: Any) -> str:
    """The action's rating as the plan pages show it: its latest rating given ("Not rated"
    when its updates, as imported plans' often are, carry none; "No update" without any)."""
    from saferplan.plans.models import RAG_LABELS

    return RAG_LABELS[action.rag()]


def latest_text(action: Any) -> str:
    latest = action.latest_update()
    return f"{latest.text} ({latest.date.day} {latest.date:%B %Y})" if latest else ""


def lead_of(action: Any) -> str:
    return action.lead_text or (action.lead_organisation.name if action.lead_organisation else "")


def review_point_of(action: Any) -> str:
    overdue = " (overdue)" if action.is_overdue() else ""
    return (action.review_point_text or "") + overdue


def no_plan(ctx: Context, label: str) -> list[Part]:
    return [note(f"There is no delivery plan for {label} in saferplan.")]


def rag_summary(ctx: Context, book: Book, actions: list[Any], prefix: str, title: str) -> Part:
    """How many actions are at each RAG rating (their latest rating given), and in all."""
    from saferplan.plans.models import NOT_RATED, RAG_LABELS, Rag

    order = [*Rag.labels, RAG_LABELS[NOT_RATED], NO_UPDATE]
    counts = {label: sum(1 for a in actions if rag_of(a) == label) for label in order}
    ids = [
        book.base(
            f"{prefix}.rag.{slug(label)}",
            n,
            "count",
            f"{title}: {label}",
            ctx.year_label,
            ctx.as_at,
            source="delivery plan",
        )
        for label, n in counts.items()
    ]
    total = book.derived(f"{prefix}.actions", "sum", ids, "count", f"{title}: all actions")
    lines = [[text(label), cell(fid)] for label, fid in zip(order, ids, strict=True)]
    return table(
        title, ["RAG (latest update)", "Actions"], [*lines, [text("All actions"), cell(total)]]
    )


@block(
    "delivery_plan",
    "The delivery plan's actions by priority (optionally those tagged)",
    SOURCE,
    params=("tag",),
)
def delivery_plan(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    if ctx.plan is None:
        return no_plan(ctx, ctx.year_label)
    tag = use.param("tag")
    actions = actions_of(ctx.plan, tag)
    parts: list[Part] = []
    priorities: dict[str, list[Any]] = {}
    for a in actions:
        priorities.setdefault(a.objective.priority.name, []).append(a)
    for name, group in priorities.items():
        lines = [
            [
                text(a.objective.code),
                text(a.text),
                text(lead_of(a)),
                text(review_point_of(a)),
                text(rag_of(a)),
                text(latest_text(a)),
            ]
            for a in group
        ]
        parts.append(
            table(
                name, ["Objective", "Action", "Lead", "Review point", "RAG", "Latest update"], lines
            )
        )
    prefix = f"plan.{slug(tag)}" if tag else "plan"
    parts.append(rag_summary(ctx, book, actions, prefix, f"Actions of the {ctx.year_label} plan"))
    if not actions:
        parts.insert(0, note(f"No action of the {ctx.year_label} plan is tagged '{tag}'."))
    return parts


@block("delivery_by_lead", "The steps each responsible authority will take (by lead)", SOURCE)
def delivery_by_lead(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    if ctx.plan is None:
        return no_plan(ctx, ctx.year_label)
    by_lead: dict[str, list[Any]] = {}
    for a in actions_of(ctx.plan):
        name = a.lead_organisation.name if a.lead_organisation else "Lead not matched"
        by_lead.setdefault(name, []).append(a)
    parts: list[Part] = []
    ids = []
    for name in sorted(by_lead, key=lambda n: (n == "Lead not matched", n)):
        group = by_lead[name]
        ids.append(
            book.base(
                f"by-lead.{slug(name)}",
                len(group),
                "count",
                f"Actions led by {name}",
                ctx.year_label,
                ctx.as_at,
            )
        )
        lines = [
            [text(a.objective.code), text(a.text), text(review_point_of(a)), text(rag_of(a))]
            for a in group
        ]
        parts.append(table(name, ["Objective", "Action", "Review point", "RAG"], lines))
    total = book.derived("by-lead.total", "sum", ids, "count", "Actions, all leads")
    summary = [
        [text(n), cell(i)]
        for n, i in zip(
            sorted(by_lead, key=lambda n: (n == "Lead not matched", n)), ids, strict=True
        )
    ]
    parts.insert(
        0,
        table(
            "Actions by lead organisation",
            ["Lead organisation", "Actions"],
            [*summary, [text("All"), cell(total)]],
        ),
    )
    return parts


@block("priorities", "This year's priorities", SOURCE)
def priorities(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _priorities(ctx, book, ctx.plan, ctx.year_label, "priorities")


@block("previous_priorities", "Last year's priorities", SOURCE)
def previous_priorities(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    return _priorities(ctx, book, ctx.previous_plan, ctx.review_label, "previous-priorities")


def _priorities(ctx: Context, book: Book, year: Any, label: str, prefix: str) -> list[Part]:
    if year is None:
        return no_plan(ctx, label)
    lines = []
    for p in year.priorities.all().prefetch_related("objectives__actions"):
        objectives = list(p.objectives.all())
        n = book.base(
            f"{prefix}.{slug(p.name)}.actions",
            sum(o.actions.count() for o in objectives),
            "count",
            f"Actions under {p.name}",
            label,
            ctx.as_at,
        )
        lines.append(
            [
                text(p.name),
                text(p.get_group_display()),
                text("; ".join(f"{o.code}: {o.heading}" for o in objectives)),
                cell(n),
            ]
        )
    return [
        table(
            f"Priorities of the {label} plan", ["Priority", "Group", "Objectives", "Actions"], lines
        )
    ]


@block("previous_plan_review", "How far last year's plan was delivered (year-end review)", SOURCE)
def previous_plan_review(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    from saferplan.plans.models import Disposition

    year = ctx.previous_plan
    if year is None:
        return no_plan(ctx, ctx.review_label)
    actions = actions_of(year)
    labels = {**dict(Disposition.choices), "": "Not yet decided"}
    ids = {
        key: book.base(
            f"previous-plan.{slug(key or 'undecided')}",
            sum(1 for a in actions if a.disposition == key),
            "count",
            f"Actions: {label}",
            ctx.review_label,
            ctx.as_at,
        )
        for key, label in labels.items()
    }
    total = book.derived(
        "previous-plan.actions", "sum", list(ids.values()), "count", "Actions of last year"
    )
    done = book.derived(
        "previous-plan.completed-share",
        "ratio",
        [ids[Disposition.COMPLETE], total],
        "percent",
        "Actions completed",
        "%",
        scale=100,
        decimals=1,
    )
    lines = [[text(labels[key]), cell(i)] for key, i in ids.items()]
    lines.append([text("All actions"), cell(total)])
    return [
        table(
            f"The {ctx.review_label} plan at year end",
            ["Decision", "Actions"],
            lines,
            note="Decisions are the year-end review's: continue into this year's plan, "
            "complete, or remove.",
        ),
        table(
            f"Completed in {ctx.review_label}", ["", "%"], [[text("Actions completed"), cell(done)]]
        ),
        rag_summary(
            ctx, book, actions, "previous-plan-ratings", f"Actions of the {ctx.review_label} plan"
        ),
    ]
