"""The words about the figures: the methods annex, the licences, and each table's population.

Pure functions of the bundle, written once for every output; ``document`` lays them out and
``report check`` builds them again from the bundle it reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from saferplan.reports.sentences import listing

Data = Mapping[str, Any]


def _sources(data: Data) -> set[str]:
    return {t["source"] for t in data["themes"]} | {
        t[key]["source"] for t in data["themes"] for key in ("child_areas", "lsoa_map") if t[key]
    }


def _rules(data: Data) -> list[str]:
    return [
        "Rate: offences (or the theme's unit) divided by the resident population, multiplied by "
        "1,000, rounded half-up to 2 decimals. Each area's population is its estimate for the "
        "period's year, else its nearest earlier year, else its nearest later year; beside "
        "every table is the year of the estimate each rate uses.",
        "% change: change in offences divided by the earlier year's offences, multiplied by 100, "
        "to 1 decimal. Rate change: the difference of the two rates as printed.",
        "Ranks: 1 = highest among London boroughs, worked on unrounded rates so that rounding "
        "makes no ties; areas without residents (the airports) are not ranked by rate. Quartile "
        "of the rate change: 1 = the quarter of boroughs with the largest increases, worded from "
        "the changes themselves.",
        "London: every area in the Metropolitan Police data, including Heathrow and London City "
        "airports; its population is the sum of every borough's, each by the rule above, and a "
        "rate is refused rather than worked on some of them. The City of London is policed "
        "separately and is not included.",
        "Monthly average and seasonality: over the 36 months to the end of the period; a month "
        "whose average is more than 5% above the overall monthly average is called above "
        "average. The average is rounded once, half-up, to a whole number.",
        "Wards and LSOAs: their figures come from other files than the borough's and do not hold "
        "every offence; where they add up to less than the borough's count the section says so.",
        "Hot spots: Getis-Ord Gi* on 100 m cells with neighbours within 200 m, from police.uk "
        "street-level records with a location; density by a quartic kernel of 300 m.",
    ]


def _data_rules(data: Data) -> list[str]:
    """The rules that apply because of where this document's figures come from."""
    lines = []
    vintage = data.get("wards", {}).get("vintage")
    if vintage:
        lines.append(
            f"Wards: the {vintage} wards, the newest ward boundaries whose ward figures begin "
            "by the period's first month. Ward figures summed from LSOA counts, and ward "
            "populations, use a best-fit lookup placing each LSOA in the ward it overlaps most."
        )
    sources = _sources(data)
    if sources & {"police-uk", "series"} or any(not t.get("ranked", True) for t in data["themes"]):
        lines.append(
            "Themes counted from police.uk records or from the partnership's own extracts have "
            "no ranks, and compare only the areas those figures cover: they do not cover "
            "every borough."
        )
    if "police-uk" in sources:
        lines.append(
            "police.uk: a borough's figures are the records in its LSOAs, for the months in "
            "which records fall in at least half of its LSOAs (a force's records near its "
            "border are not its neighbour's figures)."
        )
    if "series" in sources:
        lines.append(
            "Extracts: counts the partnership imports from the police and partners, by area "
            "and month; an extract covers the months and areas it gives a row for."
        )
    return lines


def methods(data: Data) -> list[str]:
    """The methods annex: every rule the figures follow, stated once for every output."""
    lines = _rules(data) + _data_rules(data)
    if data.get("harm_table"):
        h = data["harm_table"]
        lines.append(
            f"Harm: offences weighted by {h['name']} (source: {h['source']}); categories "
            "without a weight are left out and the share weighted is stated."
        )
    if data.get("suppression"):
        s = data["suppression"]
        lines.append(
            f"Small numbers: {s['text']} The rate maps are shaded by the rates of the counts as "
            f"shown, LSOAs and wards with fewer than {s['below']} are hatched, and no class edge "
            "is a rate that gives back a hidden count."
        )
    return lines


def licences(data: Data) -> str:
    """Whose data the document uses, and under which licence."""
    parts = [
        "Crime: Metropolitan Police Service, Recorded Crime: Summary and Geographic Breakdown "
        "(London Datastore), Open Government Licence v2.0.",
        "Population: Office for National Statistics, Open Government Licence v3.0.",
    ]
    sources = _sources(data)
    if "police-uk" in sources or any(t["hotspots"] for t in data["themes"]):
        parts.append("Street-level crime: police.uk, Open Government Licence v3.0.")
    if data.get("wards", {}).get("places"):
        parts.append(
            "Ward boundaries: London Datastore, Open Government Licence; contains OS data © Crown "
            "copyright and database right."
        )
    if "series" in sources:
        parts.append("Extracts: the partnership's own, not open data (listed above).")
    parts.append(
        "Every figure in this document is in the accompanying figures.json and figures.csv, "
        "and can be re-checked with saferplan report check."
    )
    return " ".join(parts)


def _usual(years: Counter[int]) -> int:
    return max(years, key=lambda y: (years[y], y))


def _period_note(label: str, rows: list[Data], key: str) -> str | None:
    """'2017 rates use mid-2017 estimates (London's Hackney and Merton: mid-2011)'."""
    years: Counter[int] = Counter()
    for row in rows:
        p = row[key]
        for m in (p.get("members") or [p]) if p else []:
            years[m["year"]] += 1
    if not years:
        return None
    usual = _usual(years)
    odd: list[str] = []
    for row in rows:
        p = row[key]
        if not p:
            continue
        if p.get("members"):
            by_year: dict[int, list[str]] = {}
            for m in p["members"]:
                if m["year"] != usual:
                    by_year.setdefault(m["year"], []).append(m["area"])
            odd += [f"{row['area']}'s {listing(a)}: mid-{y}" for y, a in sorted(by_year.items())]
        elif p["year"] != usual:
            odd.append(f"{row['area']}: mid-{p['year']}")
    return f"{label} rates use mid-{usual} estimates" + (f" ({'; '.join(odd)})" if odd else "")


def population_note(theme: Data, data: Data) -> str:
    """The year of the estimate every rate of the theme's table uses, and whose it is."""
    rows = theme["table"]
    notes = [
        _period_note(data[which]["label"], rows, f"population_{which}")
        for which in ("baseline", "period")
    ]
    said = [n for n in notes if n]
    if not said:
        return "Population: no estimate, so no rates."
    sets = sorted(
        {
            f"{p['set']} ({p['source']})"
            for r in rows
            for k in ("population_baseline", "population_period")
            if (p := r[k])
        }
    )
    return f"Population: {'; '.join(said)}. Estimates: {listing(sets)}."
