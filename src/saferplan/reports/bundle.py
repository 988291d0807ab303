"""The machine-readable bundle: every figure of an assessment as JSON and CSV.

The documents are laid out from this bundle alone (``document.py``), and ``check.py`` reads
it back, re-derives its arithmetic and compares the documents with it, so what was published
can be verified later by anyone. A public edition's bundle holds small-area counts only as
the edition shows them.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from saferplan.reports.areamaps import AreaMap
from saferplan.reports.assessment import Assessment
from saferplan.reports.sections import ThemeSection
from saferplan.reports.smallareas import ChildAreas

BUNDLE_VERSION = 2
SOURCE_LABELS = {
    "mps": "Metropolitan Police recorded crime (monthly counts)",
    "police-uk": "police.uk street-level crime",
    "lsoa-annual": "Metropolitan Police annual LSOA counts",
    "series": "the partnership's own extract (imported series)",
}


def _num(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def population(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    out = {"value": p.value, "year": p.year, "set": p.population_set, "source": p.source}
    if p.parts:
        out["members"] = [{"area": m.area, "value": m.value, "year": m.year} for m in p.parts]
    return out


def _child_areas(child: ChildAreas | None, public: bool, borough: int) -> dict[str, Any] | None:
    if child is None:
        return None
    return {
        "level": child.level,
        "vintage": child.vintage,
        "source": child.source,
        "areas": [
            {"code": a.code, "name": a.name, "count": a.shown, "change": a.change_shown}
            for a in child.areas
        ],
        "exact": None if public else [[a.count, a.change] for a in child.areas],
        "highest": child.highest,
        "lowest": child.lowest,
        "most_increased": child.most_increased,
        "total": child.total,
        "left_out": child.left_out,
        "left_out_count": child.left_out_count,
        "others_differ_by": abs(borough - child.total - child.left_out_count),
    }


def _area_map(m: AreaMap | None, a: Assessment, unit: str) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "level": m.level,
        "vintage": m.vintage,
        "source": m.source,
        "population_note": m.population_note,
        "areas": [
            {
                "code": x.code,
                "name": x.name,
                "population": x.population,
                "count": x.shown,
                "value": _num(x.value),
            }
            for x in m.areas
        ],
        "classes": [
            {
                "kind": c.kind,
                "low": _num(c.low),
                "high": _num(c.high),
                "label": c.label(a.suppression, unit),
                "codes": list(c.codes),
            }
            for c in m.classes
        ],
    }


def _series(points: list[Any]) -> list[list[Any]]:
    return [[d.isoformat(), v] for d, v in points]


def _table(s: ThemeSection) -> list[dict[str, Any]]:
    return [
        {
            "area": r.area,
            "count_baseline": r.count_baseline,
            "count_period": r.count_period,
            "population_baseline": population(r.population_baseline),
            "population_period": population(r.population_period),
            "rate_baseline": _num(r.rate_baseline),
            "rate_period": _num(r.rate_period),
            "count_change": r.count_change,
            "pct_change": _num(r.pct_change),
            "rate_change": _num(r.rate_change),
        }
        for r in s.table.rows
    ]


def _ranking(s: ThemeSection) -> list[dict[str, Any]]:
    return [
        {
            "area": line.area,
            "count_period": line.count_period,
            "count_baseline": line.count_baseline,
            "population_period": line.population_period.value if line.population_period else None,
            "population_baseline": (
                line.population_baseline.value if line.population_baseline else None
            ),
        }
        for line in s.rank_table
    ]


def _hotspots(s: ThemeSection) -> dict[str, Any] | None:
    h = s.hotspots
    if h is None:
        return None
    return {
        "months": [m.isoformat() for m in h.months],
        "first": h.months[0].isoformat(),
        "last": h.months[-1].isoformat(),
        "records": h.records,
        "located": h.located,
        "used": h.result.points_used,
        "outside": h.located - h.result.points_used,
        "cell": h.result.parameters["cell"],
        "distance": h.result.parameters["distance"],
        "bandwidth": h.result.parameters["bandwidth"],
        "baseline_first": h.baseline_months[0].isoformat() if h.baseline_months else None,
        "baseline_last": h.baseline_months[-1].isoformat() if h.baseline_months else None,
        "import_ids": h.import_ids,
    }


def section_dict(s: ThemeSection, a: Assessment) -> dict[str, Any]:
    t, season = s.table, s.seasonality
    return {
        "key": s.theme.key,
        "title": s.theme.title,
        "group": s.theme.group,
        "direction": s.theme.direction,
        "definition": s.theme.definition,
        "unit": s.theme.unit,
        "source": t.source,
        "source_label": SOURCE_LABELS.get(t.source, t.source),
        "level": t.level,
        "population_note": t.population_note,
        "import_ids": s.import_ids,
        "table": _table(s),
        "comparators_left_out": t.left_out,
        "ranked": s.ranked,
        "rank_table": _ranking(s),
        "rank_count": {"period": s.rank_count[0], "baseline": s.rank_count[1]},
        "rank_rate": {"period": s.rank_rate[0], "baseline": s.rank_rate[1]},
        "areas_ranked_by_rate": s.areas_ranked,
        "rate_change_quartile": s.rate_change_quartile,
        "monthly": _series(s.monthly),
        "monthly_baseline": _series(s.monthly_before),
        "rolling_12": _series(s.rolling),
        "seasonality": {
            "months": _series(list(season.window)),
            "window_months": len(season.months),
            "first": season.months[0].isoformat(),
            "last": season.months[-1].isoformat(),
            "average": _num(season.average),
            "above": season.above,
            "below": season.below,
        },
        "child_areas": _child_areas(s.child_areas, a.public, s.subject.count_period),
        "lsoa_map": _area_map(s.lsoa_map, a, s.theme.unit),
        "ward_map": _area_map(s.ward_map, a, s.theme.unit),
        "hotspots": _hotspots(s),
        "harm": None
        if s.harm is None
        else {
            "baseline": _num(s.harm.harm_baseline),
            "period": _num(s.harm.harm_period),
            "change": _num(s.harm.change),
            "coverage_pct": _num(s.harm.coverage),
        },
        "headline": s.headline.as_dict() if s.headline else None,
        "sentences": [x.as_dict() for x in s.sentences],
        "charts": [],
    }


def _period(p: Any) -> dict[str, Any]:
    return {
        "label": p.label,
        "kind": p.kind,
        "first": p.first.isoformat(),
        "last": p.last.isoformat(),
    }


def to_dict(a: Assessment, partnership: str) -> dict[str, Any]:
    """The bundle without its charts (``add_charts`` adds them once they are drawn)."""
    return {
        "bundle_version": BUNDLE_VERSION,
        "area": a.area,
        "area_code": a.area_code,
        "partnership": partnership,
        "period": _period(a.period),
        "baseline": _period(a.baseline),
        "comparators": a.comparators,
        "edition": a.edition,
        "generated": a.generated.isoformat(),
        "rate_per": 1000,
        "suppression": None
        if not a.public
        else {
            "below": a.suppression.below,
            "round_to": a.suppression.round_to,
            "text": a.suppression.describe(),
        },
        "findings": [x.as_dict() for x in a.findings],
        "themes": [section_dict(s, a) for s in a.sections],
        "unavailable": [
            {"key": t.key, "title": t.title, "reason": why} for t, why in a.unavailable
        ],
        "wards": {
            "vintage": a.vintage,
            "places": [] if a.places is None else sorted(a.places["area_name"].astype(str)),
        },
        "boundary_import_ids": a.boundary_import_ids,
        "provenance": a.provenance,
        "definitions": a.definitions,
        "harm_table": None
        if a.harm_table is None
        else {
            "name": a.harm_table.name,
            "source": a.harm_table.source_note,
            "file": Path(a.harm_table.path).name,
        },
        "harm": [
            {
                "key": h.key,
                "count": h.count,
                "count_share": _num(h.count_share),
                "harm": _num(h.harm),
                "harm_share": _num(h.harm_share),
                "coverage": _num(h.coverage),
            }
            for h in a.harm_rows
        ],
    }


CSV_COLUMNS = [
    "area",
    "count_baseline",
    "rate_baseline",
    "count_period",
    "rate_period",
    "count_change",
    "pct_change",
    "rate_change",
]


def write_bundle(data: dict[str, Any], out: Path) -> None:
    (out / "figures.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["theme", *CSV_COLUMNS, "population_period", "population_year", "population_set"]
    )
    for theme in data["themes"]:
        for row in theme["table"]:
            pop = row["population_period"] or {}
            writer.writerow(
                [
                    theme["key"],
                    *[row[c] if row[c] is not None else "" for c in CSV_COLUMNS],
                    pop.get("value", ""),
                    pop.get("year", ""),
                    pop.get("set", ""),
                ]
            )
    (out / "figures.csv").write_text(buffer.getvalue())
