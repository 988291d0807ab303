"""What the board asks of each outcome measure: how far it has moved since its baseline, in
the direction that is good or not, beside the RAG of the actions meant to move it (the
action-measure links). The arithmetic is pure; ``measure_rows`` reads the plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from saferplan.plans.measures import called_out
from saferplan.plans.models import Action, Measure, Rag, StrategyYear

MOVEMENT_HEADINGS = ["Measure", "Baseline", "Latest", "Change", "% change", "Movement",
                     "Actions behind it (RAG)"]  # fmt: skip


def movement(baseline: Decimal | None, latest: Decimal | None, direction: str) -> str:
    """'better', 'worse' or 'no change' since the baseline (``direction`` 'down': a fall is
    good; 'up': a rise is); '' when either figure is missing."""
    if baseline is None or latest is None:
        return ""
    if latest == baseline:
        return "no change"
    fell = latest < baseline
    return "better" if fell == (direction == "down") else "worse"


def pct_change(baseline: Decimal | None, latest: Decimal | None) -> Decimal | None:
    """The change as a percentage of the baseline, to one decimal place (none from zero)."""
    if baseline is None or latest is None or baseline == 0:
        return None
    pct = (latest - baseline) / baseline * 100
    return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MeasureRow:
    measure: str
    baseline: str  # "1,234 (2018)"
    latest: str
    change: str
    pct: str
    movement: str
    actions: str  # "HV1.2 Green; HV1.3 No update"
    callouts: tuple[str, ...] = ()  # worsened for three or more periods in a row

    def cells(self) -> list[str]:
        return [self.measure, self.baseline, self.latest, self.change, self.pct,
                self.movement, self.actions]  # fmt: skip


def _number(value: Decimal, sign: str = "") -> str:
    """Whole numbers without decimals (1,104, not 1,104.00); others as stored."""
    whole = value == value.to_integral_value()
    return format(value, f"{sign},.0f") if whole else format(value, f"{sign},")


def _shown(value: Decimal | None, period: str) -> str:
    if value is None:
        return "–"
    return f"{_number(value)} ({period})" if period else _number(value)


def _action_rags(measure: Measure) -> str:
    said = []
    actions = Action.objects.filter(measures=measure).select_related("objective")
    for a in actions.prefetch_related("updates").order_by("id"):
        latest = a.latest_update()
        said.append(f"{a.objective.code}: {Rag(latest.rag).label if latest else 'No update'}")
    return "; ".join(said) or "No action linked"


def measure_rows(year: StrategyYear) -> list[MeasureRow]:
    """Every outcome measure of the plan year with its movement and its actions' RAG."""
    rows = []
    measures = (
        Measure.objects.filter(objective__priority__year=year)
        .prefetch_related("actuals")
        .order_by("objective__priority__order", "objective__order", "id")
    )
    for m in measures:
        actuals = sorted(m.actuals.all(), key=lambda a: a.period)
        last = actuals[-1] if actuals else None
        latest = last.value if last else None
        change = None if latest is None or m.baseline_value is None else latest - m.baseline_value
        pct = pct_change(m.baseline_value, latest)
        rows.append(
            MeasureRow(
                m.name,
                _shown(m.baseline_value, m.baseline_period),
                _shown(latest, last.period if last else ""),
                "–" if change is None else _number(change, "+"),
                "–" if pct is None else f"{pct:+}%",
                movement(m.baseline_value, latest, m.direction) or "–",
                _action_rags(m),
                tuple(called_out(m, actuals)),
            )
        )
    return rows
