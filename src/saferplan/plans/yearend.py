"""Year-end review: every action gets a disposition; continued ones carry into next year."""

from __future__ import annotations

from django.db import transaction

from saferplan.core.errors import SaferplanError
from saferplan.plans.models import Action, Disposition, Objective, Priority, StrategyYear


def undecided(year: StrategyYear) -> list[Action]:
    return list(Action.objects.filter(objective__priority__year=year, disposition=""))


@transaction.atomic
def carry_over(year: StrategyYear, label: str) -> StrategyYear:
    """Create the ``label`` plan with every CONTINUE action, its history linked, not copied."""
    missing = undecided(year)
    if missing:
        raise SaferplanError(
            f"{len(missing)} actions have no year-end disposition yet",
            hint="Give every action Continue, Complete or Remove first.",
        )
    if StrategyYear.objects.filter(partnership=year.partnership, label=label).exists():
        raise SaferplanError(f"the {label} plan already exists")
    new = StrategyYear.objects.create(partnership=year.partnership, label=label, title=year.title)
    for priority in year.priorities.all():
        new_priority = Priority.objects.create(
            year=new, name=priority.name, group=priority.group, order=priority.order
        )
        for objective in priority.objectives.all():
            continuing = objective.actions.filter(disposition=Disposition.CONTINUE)
            if not continuing.exists():
                continue
            new_objective = Objective.objects.create(
                priority=new_priority,
                code=objective.code,
                heading=objective.heading,
                order=objective.order,
            )
            for old in continuing:
                Action.objects.create(
                    objective=new_objective,
                    reference=old.reference,
                    measures_targets=old.measures_targets,
                    text=old.text,
                    review_point_text=old.review_point_text,
                    review_date=old.review_date,
                    ongoing=old.ongoing,
                    lead_person=old.lead_person,
                    lead_organisation=old.lead_organisation,
                    lead_text=old.lead_text,
                    partners=old.partners,
                    funding_source=old.funding_source,
                    funding_amount=old.funding_amount,
                    is_new=False,
                    carried_from=old,
                )
    return new
