"""``saferplan report check``: re-derive every figure and word of a report, and its documents.

It trusts nothing but the counts and populations in ``figures.json``: rates, changes, ranks,
quartiles, seasonality, shares and map classes are recomputed by their definitions; every
sentence is rebuilt from the figures it points to, and every direction word must fit them;
provenance must list exactly the imports the figures name; a public edition's small-area
figures must stay hidden however they are combined (``disclosure.py``); and the HTML page
and the Word file must say exactly what the bundle says (``outputs.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.core.periods import add_months
from saferplan.crime import statistics
from saferplan.reports import disclosure, narrative
from saferplan.reports.figures import expected_labels
from saferplan.reports.sentences import RISE, verify

RISE_WORDS = {RISE, "increased", "up", "higher"}
FALL_WORDS = {narrative.FALL, "decreased", "down", "lower"}
FLAT_WORDS = {narrative.FLAT}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
Data = Mapping[str, Any]


def _d(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _table(theme: Data) -> list[str]:
    problems: list[str] = []
    for row in theme["table"]:
        label = f"{theme['title']}, {row['area']}"
        for period in ("baseline", "period"):
            pop = row[f"population_{period}"]
            expected = statistics.rate(row[f"count_{period}"], pop["value"] if pop else None)
            if _d(row[f"rate_{period}"]) != expected:
                problems.append(
                    f"{label}: rate_{period} is {row[f'rate_{period}']}, but "
                    f"{row[f'count_{period}']} / {pop and pop['value']} x 1,000 is {expected}"
                )
            if (
                pop
                and pop.get("members")
                and sum(m["value"] for m in pop["members"]) != pop["value"]
            ):
                problems.append(f"{label}: the {period} population is not the sum of its members'")
        if row["count_change"] != row["count_period"] - row["count_baseline"]:
            problems.append(
                f"{label}: count_change is {row['count_change']}, expected "
                f"{row['count_period'] - row['count_baseline']}"
            )
        pct = statistics.pct_change(row["count_baseline"], row["count_period"])
        if _d(row["pct_change"]) != pct:
            problems.append(f"{label}: pct_change is {row['pct_change']}, expected {pct}")
        rc = statistics.rate_change(_d(row["rate_baseline"]), _d(row["rate_period"]))
        if _d(row["rate_change"]) != rc:
            problems.append(f"{label}: rate_change is {row['rate_change']}, expected {rc}")
    return problems


def _child_total(theme: Data) -> list[str]:
    child = theme["child_areas"]
    if not child:
        return []
    others = abs(theme["table"][0]["count_period"] - child["total"] - child["left_out_count"])
    if child["others_differ_by"] != others:
        return [f"{theme['title']}: the other categories differ by {others}, not "
                f"{child['others_differ_by']}"]  # fmt: skip
    return []


def _exact(line: Data, which: str) -> Fraction | None:
    return (
        statistics.exact_rate(line[f"count_{which}"] or 0, line[f"population_{which}"])
        if line[f"count_{which}"] is not None
        else None
    )


def _unranked(theme: Data) -> list[str]:
    """A theme whose figures do not cover every borough has no ranks at all."""
    found = (theme["rank_table"], theme["rank_count"], theme["rank_rate"],
             theme["areas_ranked_by_rate"], theme["rate_change_quartile"])  # fmt: skip
    none = {"period": None, "baseline": None}
    if found != ([], none, none, 0, None):
        return [f"{theme['title']}: it is not ranked, but the bundle gives ranks"]
    return []


def _left_out(theme: Data, data: Data) -> list[str]:
    """Comparators left out are comparators asked for, and are not in the table."""
    asked = {c.lower() for c in data["comparators"]}
    shown = {r["area"].lower() for r in theme["table"]}
    return [
        f"{theme['title']}: {name} is said to be left out, but "
        + ("was not asked for" if name.lower() not in asked else "is in the table")
        for name in theme.get("comparators_left_out", [])
        if name.lower() not in asked or name.lower() in shown
    ]


def _ranks(theme: Data) -> list[str]:
    """Ranks and the quartile, from the whole ranking table, on unrounded rates."""
    if theme.get("ranked") is False:
        return _unranked(theme)
    lines, subject = theme["rank_table"], theme["table"][0]
    where = theme["title"]
    expected: dict[str, Any] = {}
    rates: dict[str, dict[str, Fraction]] = {}
    for which in ("period", "baseline"):
        counts = {x["area"]: x[f"count_{which}"] for x in lines if x[f"count_{which}"] is not None}
        rates[which] = {x["area"]: r for x in lines if (r := _exact(x, which)) is not None}
        expected[f"count.{which}"] = statistics.rank(counts).get(subject["area"])
        expected[f"rate.{which}"] = statistics.rank(rates[which]).get(subject["area"])
    expected["ranked"] = len(rates["period"])
    changes: dict[str, statistics.Rankable] = {
        k: v - rates["baseline"][k] for k, v in rates["period"].items() if k in rates["baseline"]
    }
    found = {
        "count.period": theme["rank_count"]["period"],
        "count.baseline": theme["rank_count"]["baseline"],
        "rate.period": theme["rank_rate"]["period"],
        "rate.baseline": theme["rank_rate"]["baseline"],
        "ranked": theme["areas_ranked_by_rate"],
    }
    problems = [
        f"{where}: rank {k} is {found[k]}, the ranking table gives {v}"
        for k, v in expected.items()
        if found[k] != v
    ]
    quartile = statistics.quartiles(changes).get(subject["area"])
    if quartile != theme["rate_change_quartile"]:
        problems.append(
            f"{where}: the rate change is in quartile {quartile}, not "
            f"{theme['rate_change_quartile']}"
        )
    mine = next((x for x in lines if x["area"] == subject["area"]), None)
    if mine is None or (mine["count_period"], mine["count_baseline"]) != (
        subject["count_period"],
        subject["count_baseline"],
    ):
        problems.append(f"{where}: the ranking table's {subject['area']} is not the table's")
    return problems


def _months(points: list[list[Any]]) -> list[tuple[date, int]]:
    return [(date.fromisoformat(d), int(v)) for d, v in points]


def _seasonality(theme: Data, data: Data) -> list[str]:
    s, where = theme["seasonality"], theme["title"]
    window = _months(s["months"])
    problems = []
    period_last = date.fromisoformat(data["period"]["last"])
    if not window or window[-1][0] != period_last or len(window) != s["window_months"]:
        problems.append(f"{where}: the seasonality window does not end with the period")
    if theme["rolling_12"]:
        start = add_months(date.fromisoformat(theme["rolling_12"][0][0]), -11)
        available = (period_last.year - start.year) * 12 + period_last.month - start.month + 1
        if len(window) != min(36, available):
            problems.append(
                f"{where}: the seasonality window has {len(window)} months, not "
                f"{min(36, available)}"
            )
    recomputed = statistics.seasonality(window) if window else None
    if recomputed and (str(recomputed.average), recomputed.above, recomputed.below) != (
        str(s["average"]),
        s["above"],
        s["below"],
    ):
        problems.append(
            f"{where}: seasonality says average {s['average']}, above {s['above']}; "
            f"its months give {recomputed.average}, above {recomputed.above}"
        )
    by_month = dict(window)
    monthly = _months(theme["monthly"])
    if any(by_month.get(m, v) != v for m, v in monthly):
        problems.append(f"{where}: the monthly figures differ from the seasonality window's")
    subject = theme["table"][0]
    for key, count in (("monthly", "count_period"), ("monthly_baseline", "count_baseline")):
        if theme[key] and sum(v for _, v in theme[key]) != subject[count]:
            problems.append(f"{where}: the months of {key} do not add up to {subject[count]:,}")
    rolling = dict(_months(theme["rolling_12"]))
    ordered = [m for m, _ in window]
    for i, m in enumerate(ordered[11:], start=11):
        if m in rolling and rolling[m] != sum(by_month[x] for x in ordered[i - 11 : i + 1]):
            problems.append(f"{where}: the rolling 12-month total for {m:%Y-%m} is wrong")
    return problems


def _sentences(theme: Data | None, data: Data, sentences: list[Data], where: str) -> list[str]:
    problems: list[str] = []
    table = {row["area"]: row for row in theme["table"]} if theme else {}
    for sentence in sentences:
        problems += verify(where, sentence, theme, data)
        problems += _claims(where, sentence, table, match_values=theme is not None)
    return problems


def _claims(where: str, sentence: Data, table: Data, match_values: bool = True) -> list[str]:
    problems = []
    for claim in sentence["claims"]:
        before, after = _d(claim["before"]), _d(claim["after"])
        if before is None or after is None:
            continue
        word = claim["word"]
        right = RISE_WORDS if after > before else FALL_WORDS if after < before else FLAT_WORDS
        if word not in right:
            problems.append(
                f"{where}: \u201c{sentence['text']}\u201d says '{word}' for "
                f"{claim['area']} {claim['metric']} {before} \u2192 {after}"
            )
        if word not in sentence["text"]:
            problems.append(
                f"{where}: the claim word '{word}' is not in \u201c{sentence['text']}\u201d"
            )
        row = table.get(claim["area"])
        if match_values and row is not None and claim["metric"] in ("count", "rate"):
            key = claim["metric"]
            if (_d(row[f"{key}_baseline"]), _d(row[f"{key}_period"])) != (before, after):
                problems.append(
                    f"{where}: a sentence states {claim['area']} {key} {before} \u2192 "
                    f"{after}, the table {row[f'{key}_baseline']} \u2192 {row[f'{key}_period']}"
                )
    return problems


def _cited(sentence: Data) -> list[int]:
    """The themes a key finding names, in order (from its fields' paths)."""
    out: list[int] = []
    for f in sentence["fields"].values():
        m = re.match(r"/themes\.(\d+)\.title$", f["paths"][0])
        if m and int(m.group(1)) not in out:
            out.append(int(m.group(1)))
    return out


def _findings(data: Data) -> list[str]:
    """The key findings name the right themes: the largest rises and falls, every theme
    against its desired direction, and the largest rank moves."""
    themes = data["themes"]
    pct = {i: _d(t["table"][0]["pct_change"]) for i, t in enumerate(themes)}
    change = {i: t["table"][0]["count_change"] for i, t in enumerate(themes)}
    known = {i: v for i, v in pct.items() if v is not None}
    rises = sorted((i for i in known if change[i] > 0), key=lambda i: known[i], reverse=True)[:3]
    falls = sorted((i for i in known if change[i] < 0), key=lambda i: known[i])[:3]
    against = [
        i
        for i, t in enumerate(themes)
        if change[i] and (change[i] < 0) != (t["direction"] == "down")
    ]
    moves = sorted(
        (
            i
            for i, t in enumerate(themes)
            if t["rank_rate"]["period"]
            and t["rank_rate"]["baseline"]
            and t["rank_rate"]["period"] != t["rank_rate"]["baseline"]
        ),
        key=lambda i: -abs(themes[i]["rank_rate"]["period"] - themes[i]["rank_rate"]["baseline"]),
    )[:3]
    wanted = {
        "rises": [rises] if rises else [],
        "falls": [falls] if falls else [],
        "against": [against] if against else [],
        "rank-move": [[i] for i in moves],
    }
    found: dict[str, list[list[int]]] = {k: [] for k in wanted}
    for f in data["findings"]:
        found.setdefault(f.get("kind", ""), []).append(_cited(f))
    return [
        f"Key findings: the '{kind}' findings name themes {found.get(kind)}; the figures give "
        f"{wanted[kind]}"
        for kind in wanted
        if found.get(kind) != wanted[kind]
    ]


def _harm(data: Data) -> list[str]:
    themes = {t["key"]: t for t in data["themes"]}
    total = themes.get("total")
    problems = []
    for row in data.get("harm", []):
        t = themes[row["key"]]
        if total is None or total["harm"] is None or t["harm"] is None:
            problems.append(f"Harm: {row['key']} has a share but no harm figures")
            continue
        count, whole = t["table"][0]["count_period"], total["table"][0]["count_period"]
        harm, all_harm = Decimal(t["harm"]["period"]), Decimal(total["harm"]["period"])
        shares = (
            statistics.round_half_up(Decimal(count) * 100 / whole, 1) if whole else Decimal(0),
            statistics.round_half_up(harm * 100 / all_harm, 1) if all_harm else Decimal(0),
        )
        if (row["count"], _d(row["count_share"]), _d(row["harm"]), _d(row["harm_share"])) != (
            count,
            shares[0],
            harm,
            shares[1],
        ):
            problems.append(
                f"Harm: {t['title']}'s shares are {row['count_share']}% and "
                f"{row['harm_share']}%; its figures give {shares[0]}% and {shares[1]}%"
            )
    return problems


def _provenance(data: Data) -> list[str]:
    used = {i for t in data["themes"] for i in t["import_ids"]} | set(data["boundary_import_ids"])
    listed = [p["import_id"] for p in data["provenance"]]
    problems = []
    if missing := sorted(used - set(listed)):
        problems.append(f"Provenance: import(s) {missing} give figures but are not listed")
    if extra := sorted(set(listed) - used):
        problems.append(f"Provenance: import(s) {extra} are listed but give no figure")
    if len(listed) != len(set(listed)):
        problems.append("Provenance: an import is listed twice")
    for p in data["provenance"]:
        if not SHA256.match(str(p.get("sha256", ""))):
            problems.append(f"Provenance: import #{p['import_id']} has no SHA-256")
    return problems


def _charts(theme: Data, data: Data) -> list[str]:
    problems = []
    for chart in theme["charts"]:
        where = f"{theme['title']}, {chart['id']}"
        for part in ("title", "alt", "caption"):
            problems += verify(where, chart[part], theme, data)
        expected = expected_labels(chart["kind"], theme, data)
        if expected is not None and chart["labels"] != expected:
            problems.append(f"{where}: the image's labels {chart['labels']} are not {expected}")
    return problems


def check_bundle_data(data: Data) -> list[str]:
    """Every problem with the figures of a bundle (empty: it is consistent)."""
    if data.get("bundle_version") != 2:
        return [
            f"figures.json is bundle version {data.get('bundle_version')}; this check "
            "reads version 2 (rebuild the report)"
        ]
    problems: list[str] = []
    for theme in data["themes"]:
        problems += _table(theme) + _ranks(theme) + _seasonality(theme, data)
        problems += _child_total(theme) + _left_out(theme, data)
        sentences = [theme["headline"], *theme["sentences"]]
        problems += _sentences(theme, data, sentences, theme["title"])
        problems += _charts(theme, data)
    problems += _sentences(None, data, data["findings"], "Key findings")
    problems += _findings(data) + _harm(data) + _provenance(data)
    problems += disclosure.check(data)
    return problems


def load_bundle(folder: Path) -> dict[str, Any]:
    path = folder / "figures.json"
    try:
        return dict(json.loads(path.read_text()))
    except FileNotFoundError:
        raise SaferplanError(f"{path} not found: is {folder} a report folder?") from None
    except json.JSONDecodeError as exc:
        raise SaferplanError(f"{path} is not valid JSON ({exc})") from exc


def check_directory(folder: Path) -> list[str]:
    """The bundle's problems, then the documents': every output beside it is compared."""
    from saferplan.reports import outputs

    data = load_bundle(folder)
    problems = check_bundle_data(data)
    if data.get("bundle_version") == 2:
        problems += outputs.check_outputs(folder, data)
    return problems
