"""Partners' extracts: monthly counts of measures by area, in one long CSV.

``area_code,area_name,level,month,measure,count``: one row per area, month and measure, at
borough, ward or LSOA level, one or more measures a file. The police and partners send
these (domestic abuse flagged violence with injury by ward and month, knife crime, ASB
calls): they are a partnership's own data, stored with its id and seen only in its scope
(ADR 0007). Each measure, level and month is a slice of the partnership's, so a re-issued
extract replaces the months it covers. An extract gives every month it covers, zeros
included: a month it has no row for is a month it does not cover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError, SaferplanError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography.codes import CODE_PATTERNS

COLUMNS = ("area_code", "area_name", "level", "month", "measure", "count")
LEVELS = ("borough", "ward", "lsoa")
MAX_MEASURE = 100


def owner_id() -> int:
    """The partnership the import runs for (``run_import`` sets its scope): series are never
    open data."""
    from saferplan.accounts.tenancy import current_partnership

    found = current_partnership()
    if found is None or found.pk is None:
        raise SaferplanError(
            "a series extract is a partnership's own data: say whose it is",
            hint="Name the partnership: saferplan import series FILE --partnership NAME.",
        )
    return int(found.pk)


@register
class SeriesImporter:
    kind: ClassVar[str] = "series"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str] = "a series extract (area_code,area_name,level,month,measure,count)"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        return {"measure", "level", "month", "count"} <= {h.strip().lower() for h in header}

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        owner = owner_id()
        name = source.display_name
        text, encoding = decoded_text(source)
        records = csvcheck.records(name, text)
        header = [h.strip().lower() for h in next(records)[1]]
        csvcheck.check_header(name, header, COLUMNS)
        where = {c: header.index(c) for c in COLUMNS}
        rows = _rows(name, header, where, records)
        progress(source.size)
        if not rows:
            raise InputError(name, "the file has a header but no rows", row=2)
        n = len(rows)
        data = pa.table(
            {
                "partnership_id": pa.array([owner] * n, pa.int64()),
                "measure": [r[4] for r in rows],
                "level": [r[2] for r in rows],
                "area_code": [r[0] for r in rows],
                "area_name": [r[1] for r in rows],
                "period_start": pa.array([r[3] for r in rows], pa.date32()),
                "count": pa.array([r[5] for r in rows], pa.int64()),
                "partition_key": [
                    f"series|{owner}|{r[4].lower()}|{r[2]}|{r[3]:%Y-%m}" for r in rows
                ],
            }
        )
        months = sorted({r[3] for r in rows})
        return ParsedSource(
            tables=[StagedTable("series", data)],
            rows_read=n,
            rows_kept=n,
            encoding=encoding,
            notes={
                "measures": sorted({r[4] for r in rows}),
                "levels": [lvl for lvl in LEVELS if any(r[2] == lvl for r in rows)],
                "first_month": f"{months[0]:%Y-%m}",
                "last_month": f"{months[-1]:%Y-%m}",
                "ignored_columns": csvcheck.ignored_columns(header, lambda h: h in COLUMNS),
            },
        )


_Row = tuple[str, str, str, date, str, int]


def _rows(name: str, header: list[str], where: dict[str, int], records: Any) -> list[_Row]:
    """Every row checked: its level, the level's ONS code, month, measure and count; each
    area, month and measure once; each code under one name."""
    out: list[_Row] = []
    seen: dict[tuple[str, str, date, str], int] = {}
    names: dict[str, tuple[str, int]] = {}
    for line, record in records:
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            raise InputError(name, f"this row has {len(record)} fields but the header has "
                             f"{len(header)}", row=line)  # fmt: skip
        cell = {c: record[i].strip() for c, i in where.items()}
        row = _row(name, line, cell)
        identity = (row[2], row[0], row[3], row[4].lower())
        if identity in seen:
            raise InputError(
                name,
                f"the same area, month and measure appear again (first on row {seen[identity]})",
                row=line,
                hint="An extract has one count for each area, month and measure.",
            )
        seen[identity] = line
        first = names.setdefault(row[0], (row[1], line))
        if first[0] != row[1]:
            raise InputError(name, f"{row[0]} is named {csvcheck.quoted(row[1])} here and "
                             f"{csvcheck.quoted(first[0])} on row {first[1]}", row=line,
                             column="area_name")  # fmt: skip
        out.append(row)
    return out


def _row(name: str, line: int, cell: dict[str, str]) -> _Row:
    level = cell["level"].lower()
    if level not in LEVELS:
        raise InputError(name, f"the level {csvcheck.quoted(cell['level'])} is not borough, ward "
                         "or lsoa", row=line, column="level")  # fmt: skip
    pattern, example = CODE_PATTERNS[level]
    if not pattern.match(cell["area_code"]):
        raise InputError(name, f"{csvcheck.quoted(cell['area_code'])} is not {example}",
                         row=line, column="area_code")  # fmt: skip
    for column in ("area_name", "measure"):
        if not cell[column]:
            raise InputError(name, "this cell is empty", row=line, column=column)
    if len(cell["measure"]) > MAX_MEASURE:
        raise InputError(name, f"the measure {csvcheck.quoted(cell['measure'])} is longer than "
                         f"{MAX_MEASURE} characters", row=line, column="measure")  # fmt: skip
    match = csvcheck.MONTH_RE.match(cell["month"])
    if not match:
        raise InputError(name, f"{csvcheck.quoted(cell['month'])} is not a month (expected "
                         "YYYY-MM, e.g. 2022-06)", row=line, column="month")  # fmt: skip
    month = date(int(match.group(1)), int(match.group(2)), 1)
    count = csvcheck.check_count(name, cell["count"], line, "count")
    return cell["area_code"], cell["area_name"], level, month, cell["measure"], count
