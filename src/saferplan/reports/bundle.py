"""The machine-readable bundle: every figure of an assessment as JSON and CSV.

The documents are rendered from the same ``Assessment``; ``check.py`` reads this bundle back
and re-derives its arithmetic, so what was published can be verified later by anyone.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from saferplan.reports.assessment import Assessment, ThemeSection

BUNDLE_VERSION = 1


def _num(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _population(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"value": p.value, "year": p.year, "set": p.population_set, "source": p.source}


def section_dict(s: ThemeSection) -> dict[str, Any]:
    t = s.table
    return {
        "key": s.theme.key,
        "title": s.theme.title,
        "group": s.theme.group,
        "direction": s.theme.direction,
        "definition": s.theme.definition,
        "source": t.source,
        "level": t.level,
        "headline": s.headline,
        "population_note": t.population_note,
        "import_ids": t.import_ids,
        "table": [
            {
                "area": r.area,
                "count_baseline": r.count_baseline,
                "count_period": r.count_period,
                "population_baseline": _population(r.population_baseline),
                "population_period": _population(r.population_period),
                "rate_baseline": _num(r.rate_baseline),
                "rate_period": _num(r.rate_period),
                "count_change": r.count_change,
                "pct_change": _num(r.pct_change),
                "rate_change": _num(r.rate_change),
            }
            for r in t.rows
        ],
        "harm": None
        if s.harm is None
        else {
            "baseline": _num(s.harm.harm_baseline),
            "period": _num(s.harm.harm_period),
            "coverage_pct": _num(s.harm.coverage),
        },
        "rank_count": {"period": s.rank_count[0], "baseline": s.rank_count[1]},
        "rank_rate": {"period": s.rank_rate[0], "baseline": s.rank_rate[1]},
        "areas_ranked_by_rate": s.areas_ranked,
        "rate_change_quartile": s.rate_change_quartile,
        "monthly": [[d.isoformat(), v] for d, v in s.monthly],
        "monthly_baseline": [[d.isoformat(), v] for d, v in s.monthly_before],
        "rolling_12": [[d.isoformat(), v] for d, v in s.rolling],
        "seasonality": {
            "average": _num(s.seasonality.average),
            "above": s.seasonality.above,
            "below": s.seasonality.below,
        },
        "child_areas": None
        if s.child_areas is None
        else {
            "level": s.child_areas.level,
            "source": s.child_areas.source,
            "highest": s.child_areas.highest,
            "lowest": s.child_areas.lowest,
            "most_increased": s.child_areas.most_increased,
        },
        "sentences": [
            {"text": x.text, "claims": [c.as_dict() for c in x.claims]} for x in s.sentences
        ],
    }


def to_dict(a: Assessment) -> dict[str, Any]:
    return {
        "bundle_version": BUNDLE_VERSION,
        "area": a.area,
        "area_code": a.area_code,
        "period": {
            "label": a.period.label,
            "first": a.period.first.isoformat(),
            "last": a.period.last.isoformat(),
        },
        "baseline": {
            "label": a.baseline.label,
            "first": a.baseline.first.isoformat(),
            "last": a.baseline.last.isoformat(),
        },
        "comparators": a.comparators,
        "edition": a.edition,
        "generated": a.generated.isoformat(),
        "rate_per": 1000,
        "suppression": a.suppression.describe() if a.edition == "public" else None,
        "findings": [
            {"text": x.text, "claims": [c.as_dict() for c in x.claims]} for x in a.findings
        ],
        "themes": [section_dict(s) for s in a.sections],
        "unavailable": [
            {"key": t.key, "title": t.title, "reason": why} for t, why in a.unavailable
        ],
        "provenance": a.provenance,
        "harm_table": None
        if a.harm_table is None
        else {
            "name": a.harm_table.name,
            "source": a.harm_table.source_note,
            "file": a.harm_table.path,
        },
    }


def write_bundle(a: Assessment, out: Path) -> dict[str, Any]:
    data = to_dict(a)
    (out / "figures.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = [
        "area",
        "count_baseline",
        "rate_baseline",
        "count_period",
        "rate_period",
        "count_change",
        "pct_change",
        "rate_change",
    ]
    writer.writerow(["theme", *columns, "population_period", "population_year", "population_set"])
    for theme in data["themes"]:
        for row in theme["table"]:
            pop = row["population_period"] or {}
            writer.writerow(
                [
                    theme["key"],
                    *[row[c] if row[c] is not None else "" for c in columns],
                    pop.get("value", ""),
                    pop.get("year", ""),
                    pop.get("set", ""),
                ]
            )
    (out / "figures.csv").write_text(buffer.getvalue())
    return data
