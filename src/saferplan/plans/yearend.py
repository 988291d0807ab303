"""Year-end review: every action gets a disposition; continued ones carry into next year."""

from __future__ import annotations

from django.db import transaction

from saferplan.core.errors import SaferplanError
from saferplan.plans.models import (
    Action,
    Disposition,
    Measure,
    MeasureActual,
    Objective,
    Priority,
    StrategyYear,
)

ACTION_COPIED = [
    "reference",
    "measures_targets",
    "text",
    "review_point_text",
    "review_date",
    "ongoing",
    "lead_person",
    "lead_organisation",
    "lead_text",
    "partners",
    "funding_source",
    "funding_amount",
    "tags",
]
MEASURE_COPIED = [
    "name",
    "direction",
    "baseline_period",
    "baseline_value",
    "target",
    "target_value",
    "theme",
    "area",
]


def undecided(year: StrategyYear) -> list[Action]:
    return list(Action.objects.filter(objective__priority__year=year, disposition=""))


@transaction.atomic
def carry_over(year: StrategyYear, label: str) -> StrategyYear:
    """Create the ``label`` plan with every CONTINUE action, its history linked, not copied.

    An objective comes too when it has a continued action or an outcome measure (with
    the measure and its actuals so far), and so does the parent of a sub-objective.
    """
    missing = undecided(year)
    if missing:
        raise SaferplanError(
            f"{len(missing)} actions have no year-end disposition yet",
            hint="Give every action Continue, Complete or Remove first.",
        )
    if StrategyYear.objects.filter(partnership=year.partnership, label=label).exists():
        raise SaferplanError(f"the {label} plan already exists")
    new = StrategyYear.objects.create(partnership=year.partnership, label=label, title=year.title)
    measure_copies: dict[int, Measure] = {}
    continued: list[tuple[Action, Action]] = []
    for priority in year.priorities.all():
        new_priority = Priority.objects.create(
            year=new, name=priority.name, group=priority.group, order=priority.order
        )
        copies: dict[int, Objective] = {}
        for objective in _carried_objectives(priority):
            parent = copies.get(objective.parent_id) if objective.parent_id else None
            copies[objective.pk] = copy = Objective.objects.create(
                priority=new_priority,
                parent=parent,
                code=objective.code,
                heading=objective.heading,
                order=objective.order,
            )
            for old in objective.actions.filter(disposition=Disposition.CONTINUE):
                carried = Action.objects.create(
                    objective=copy,
                    is_new=False,
                    carried_from=old,
                    **{name: getattr(old, name) for name in ACTION_COPIED},
                )
                continued.append((old, carried))
            for measure in objective.measures.all():
                measure_copies[measure.pk] = _carry_measure(measure, copy)
    # A continued action still names the outcome measures it should move: their copies.
    for old, carried in continued:
        carried.measures.set(measure_copies[m.pk] for m in old.measures.all())
    return new


def _carried_objectives(priority: Priority) -> list[Objective]:
    """Objectives with a continued action or a measure, and their parents, parents first."""
    objectives = list(priority.objectives.all())
    kept = {
        o.pk
        for o in objectives
        if o.measures.exists() or o.actions.filter(disposition=Disposition.CONTINUE).exists()
    }
    kept |= {o.parent_id for o in objectives if o.pk in kept and o.parent_id}
    return sorted((o for o in objectives if o.pk in kept), key=lambda o: o.parent_id is not None)


def _carry_measure(measure: Measure, objective: Objective) -> Measure:
    copy = Measure.objects.create(
        objective=objective, **{name: getattr(measure, name) for name in MEASURE_COPIED}
    )
    MeasureActual.objects.bulk_create(
        MeasureActual(
            measure=copy,
            period=a.period,
            value=a.value,
            computed=a.computed,
            provenance=a.provenance,
        )
        for a in measure.actuals.all()
    )
    return copy
