"""Outcome measures whose actuals come from the crime statistics engine, with provenance."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from saferplan.core.errors import NotFoundError
from saferplan.core.periods import parse_period
from saferplan.crime import queries
from saferplan.geography.areas import resolve_area
from saferplan.indicators.callouts import Point, runs
from saferplan.plans.models import Measure, MeasureActual


def compute_actual(con: Any, measure: Measure, period_text: str) -> MeasureActual:
    """Count the measure's theme in its area for ``period_text`` and store it as an actual."""
    if not measure.computed:
        raise NotFoundError(f"the measure '{measure}' is not bound to a crime theme and area")
    from saferplan.definitions.service import themes_for

    # The partnership's own themes when it keeps them (Manage > Themes), else the shipped.
    theme = themes_for(measure.objective.priority.year.partnership).get(measure.theme)
    area = resolve_area(con, measure.area)
    period = parse_period(period_text)
    source = queries.choose_source(con, theme, area.level, [period])
    counts = {c.name: c.count for c in queries.area_counts(con, theme, area.level, period, source)}
    ids = queries.contributing_imports(con, theme, source, area.level, [period])
    actual, _ = MeasureActual.objects.update_or_create(
        measure=measure,
        period=period.label,
        defaults={
            "value": Decimal(counts.get(area.name, 0)),
            "computed": True,
            "provenance": f"{theme.title}, {area.name}, {source} data, "
            f"imports {', '.join(f'#{i}' for i in ids)}",
        },
    )
    return actual


def judged(measure: Measure, actual: MeasureActual | None) -> str:
    """'better', 'worse' or 'same' against the baseline, in the measure's desired direction."""
    if actual is None or measure.baseline_value is None:
        return ""
    change = actual.value - measure.baseline_value
    if change == 0:
        return "same"
    good = (change < 0) == (measure.direction == Measure.Direction.DOWN)
    return "better" if good else "worse"


def called_out(measure: Measure, actuals: Iterable[MeasureActual]) -> list[str]:
    """What the board is told of a measure that has worsened for three or more periods in a
    row (its actuals in period order, the measure's own direction of good)."""
    better = "lower" if measure.direction == Measure.Direction.DOWN else "higher"
    points = [Point(a.period, a.value) for a in sorted(actuals, key=lambda a: a.period)]
    return [run.sentence(measure.name) for run in runs(points, better)]
