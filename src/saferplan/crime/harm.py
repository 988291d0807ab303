"""Crime harm: weighting offences by how much harm they do, beside their number.

A harm table gives each category a weight, e.g. the Cambridge Crime Harm Index (CCHI:
days of imprisonment in the England and Wales sentencing guidelines' starting point for
a first offender; Sherman, Neyroud and Neyroud, 2016). saferplan ships no weights of its
own: a partnership imports the table it uses (the CCHI spreadsheet from the Institute of
Criminology, mapped to its crime categories, or a local table), and every report names it.

Format: CSV ``source,major,minor,weight`` (``minor`` empty = the whole major category), with
optional ``# name: ...`` and ``# source: ...`` comment lines naming the table and its origin.
Harm of an area = sum over categories of count x weight; categories without a weight are
left out, and the share of offences they hold is reported as the table's coverage.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from saferplan.core.errors import InputError
from saferplan.core.periods import Period


@dataclass(frozen=True)
class HarmTable:
    name: str
    source_note: str
    path: str
    weights: dict[tuple[str, str, str | None], Decimal]  # (source, major, minor) -> weight

    def weight(self, source: str, major: str, minor: str | None) -> Decimal | None:
        exact = self.weights.get((source, major, minor))
        return exact if exact is not None else self.weights.get((source, major, None))


def load_harm_table(path: Path) -> HarmTable:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from exc
    meta = {"name": path.stem, "source": "not stated"}
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            if key.strip().lower() in meta:
                meta[key.strip().lower()] = value.strip()
        else:
            lines.append(line)
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    header = [h.strip() for h in reader.fieldnames or []]
    for needed in ("source", "major", "minor", "weight"):
        if needed not in header:
            raise InputError(str(path), f"missing column '{needed}'", row=1)
    weights: dict[tuple[str, str, str | None], Decimal] = {}
    for n, row in enumerate(reader, start=2):
        try:
            weight = Decimal(row["weight"].strip())
        except Exception:
            raise InputError(
                str(path), f"'{row['weight']}' is not a number", row=n, column="weight"
            ) from None
        if weight < 0:
            raise InputError(str(path), "weights cannot be negative", row=n, column="weight")
        category = (row["source"].strip(), row["major"].strip(), row["minor"].strip() or None)
        weights[category] = weight
    if not weights:
        raise InputError(str(path), "the harm table has no rows", row=2)
    return HarmTable(meta["name"], meta["source"], str(path), weights)


@dataclass(frozen=True)
class HarmFigures:
    harm_baseline: Decimal
    harm_period: Decimal
    coverage: Decimal  # share of the period's offences that have a weight, in %

    @property
    def change(self) -> Decimal:
        return self.harm_period - self.harm_baseline


def category_counts(
    con: Any, source: str, level: str, area: str, first: date, last: date
) -> dict[tuple[str, str | None], int]:
    rows = con.execute(
        "SELECT major, minor, sum(count)::BIGINT FROM crime_counts WHERE source = ? "
        "AND level = ? AND (area_name = ? OR area_code = ?) AND period_start BETWEEN ? AND ? "
        "GROUP BY 1, 2",
        [source, level, area, area, first, last],
    ).fetchall()
    return {(major, minor): int(n) for major, minor, n in rows}


def harm(
    table: HarmTable,
    source: str,
    counts: dict[tuple[str, str | None], int],
    selected: set[tuple[str, str | None]] | None = None,
) -> tuple[Decimal, Decimal]:
    """(harm, coverage %) of the counts (restricted to ``selected`` categories if given)."""
    total = weighted = 0
    value = Decimal(0)
    for (major, minor), n in counts.items():
        if selected is not None and (major, minor) not in selected:
            continue
        total += n
        w = table.weight(source, major, minor)
        if w is not None:
            value += w * n
            weighted += n
    coverage = Decimal(weighted * 100) / total if total else Decimal(0)
    return value, coverage.quantize(Decimal("0.1"))


def theme_harm(
    con: Any,
    table: HarmTable,
    theme: Any,
    source: str,
    level: str,
    area: str,
    period: Period,
    baseline: Period,
) -> HarmFigures | None:
    """Harm of a theme's offences in both periods (MPS-style count sources only)."""
    if source == "police-uk" or source not in theme.filters:
        return None
    where, params = theme.filters[source].sql(source)
    chosen = {
        (r[0], r[1])
        for r in con.execute(
            f"SELECT DISTINCT major, minor FROM crime_counts WHERE source = ? AND {where}",
            [source, *params],
        ).fetchall()
    }
    now = category_counts(con, source, level, area, period.first, period.last)
    before = category_counts(con, source, level, area, baseline.first, baseline.last)
    h_now, coverage = harm(table, source, now, chosen)
    h_before, _ = harm(table, source, before, chosen)
    return HarmFigures(h_before, h_now, coverage)
