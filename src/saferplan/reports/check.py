"""``saferplan report check``: re-derive every figure and direction word of a report bundle.

It trusts nothing but the counts and populations in ``figures.json``: rates, changes,
% changes and rate changes are recomputed by their definitions, and every claim a sentence
makes must match the table and use the right direction word.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.crime import statistics
from saferplan.reports.narrative import FLAT, RISE

RISE_WORDS = {RISE, "increased", "up", "higher"}
FALL_WORDS = {"fell", "decreased", "down", "lower"}
FLAT_WORDS = {FLAT}


def _d(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def check_bundle_data(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for theme in data["themes"]:
        where = theme["title"]
        table = {row["area"]: row for row in theme["table"]}
        for row in theme["table"]:
            label = f"{where}, {row['area']}"
            for period in ("baseline", "period"):
                pop = row[f"population_{period}"]
                expected = statistics.rate(row[f"count_{period}"], pop["value"] if pop else None)
                if _d(row[f"rate_{period}"]) != expected:
                    problems.append(
                        f"{label}: rate_{period} is {row[f'rate_{period}']}, "
                        f"but {row[f'count_{period}']} / {pop and pop['value']} x 1,000 "
                        f"is {expected}"
                    )
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
        for sentence in theme["sentences"]:
            problems += _check_claims(where, sentence, table)
    all_rows = {(t["title"], r["area"]): r for t in data["themes"] for r in t["table"]}
    for sentence in data["findings"]:
        rows = {area: row for (_, area), row in all_rows.items()}
        problems += _check_claims("Key findings", sentence, rows, match_values=False)
    return problems


def _check_claims(
    where: str, sentence: dict[str, Any], table: dict[str, Any], match_values: bool = True
) -> list[str]:
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
            key = "count" if claim["metric"] == "count" else "rate"
            if (_d(row[f"{key}_baseline"]), _d(row[f"{key}_period"])) != (before, after):
                problems.append(
                    f"{where}: a sentence states {claim['area']} {key} {before} \u2192 "
                    f"{after}, the table {row[f'{key}_baseline']} \u2192 "
                    f"{row[f'{key}_period']}"
                )
    return problems


def check_directory(folder: Path) -> list[str]:
    path = folder / "figures.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SaferplanError(f"{path} not found: is {folder} a report folder?") from None
    except json.JSONDecodeError as exc:
        raise SaferplanError(f"{path} is not valid JSON ({exc})") from exc
    return check_bundle_data(data)
