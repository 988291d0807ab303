"""What a document's blocks read: the partnership in scope, the plan year and the year it
reviews, and its records, each read once however many blocks use them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from saferplan.core.periods import parse_period
from saferplan.documents.template import Template


def plan_year(text: str) -> str:
    """A plan year as the command line takes it, checked: '2019-20' (a financial year)."""
    from saferplan.core.errors import SaferplanError

    period = parse_period(text)
    if period.kind != "financial-year":
        raise SaferplanError(
            f"'{text}' is not a plan year: plans run from April to March",
            hint="Give the year as 2019-20.",
        )
    return f"{period.first.year}-{str(period.first.year + 1)[2:]}"


@dataclass
class Context:
    partnership: Any
    template: Template
    year: str  # 2019-20
    generated: date
    edition: str = "draft"  # draft | final
    images: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # figures that stop a final edition
    import_ids: set[int] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict)  # what several blocks compute once

    @property
    def document(self) -> str:
        return self.template.document

    @property
    def year_label(self) -> str:
        return parse_period(self.year).label

    @property
    def review(self) -> str:
        """The year the plan looks back on (the financial year before it): 2018-19."""
        first = parse_period(self.year).first.year - 1
        return f"{first}-{str(first + 1)[2:]}"

    @property
    def review_label(self) -> str:
        return parse_period(self.review).label

    @property
    def as_at(self) -> str:
        return self.generated.isoformat()

    # -- youth justice records -------------------------------------------------------------

    @cached_property
    def records(self) -> Any:
        from saferplan.youthjustice.service import Records

        self.import_ids.update(self.extract_imports)
        return Records.read()

    @cached_property
    def extract_imports(self) -> list[int]:
        from saferplan.datastore.models import ImportRecord
        from saferplan.youthjustice.store import IMPORT_KIND

        return list(ImportRecord.objects.filter(kind=IMPORT_KIND).values_list("pk", flat=True))

    @cached_property
    def records_to(self) -> date | None:
        """The last date the case records cover (their latest outcome)."""
        import pandas as pd

        dates = pd.to_datetime(self.records.tables["outcomes"]["outcome_date"])
        return dates.max().date() if len(dates) else None

    @property
    def data_to(self) -> date | None:
        """The last date the plan's local figures follow: the end of the year it looks back
        on, or the records' last date if earlier (so last year's plan can be rebuilt)."""
        from saferplan.youthjustice.local import month_end

        if self.records_to is None:
            return None
        return min(self.records_to, month_end(parse_period(self.review).last))

    @property
    def records_date(self) -> str:
        return self.records_to.isoformat() if self.records_to else ""

    def population(self, year: int) -> Any:
        """The population aged 10-17 for ``year`` (the service's area), recording its import."""
        from saferplan.youthjustice import service

        key = ("population", year)
        if key not in self.cache:
            self.cache[key] = service.population_10_17(service.service_area(), year)
            self.import_ids.update(self._population_imports())
        return self.cache[key]

    def _population_imports(self) -> list[int]:
        from saferplan.datastore.models import ImportRecord

        return list(ImportRecord.objects.filter(kind="population").values_list("pk", flat=True))

    # -- the delivery plan ------------------------------------------------------------------

    def strategy_year(self, label: str) -> Any:
        """The partnership's delivery plan for ``label`` (2019/20), or None."""
        from saferplan.plans.models import StrategyYear

        return StrategyYear.objects.filter(label=label).first()

    @cached_property
    def plan(self) -> Any:
        return self.strategy_year(self.year_label)

    @cached_property
    def previous_plan(self) -> Any:
        return self.strategy_year(self.review_label)
