"""ONS population estimates, in three shapes, each imported as a named and dated set.

Shapes: the ONS small-area file with broad age bands by sex (``Persons_All-Ages``,
``Males_0-15``...), the ONS single-year-of-age file (``All Ages``, ``0``...``90+``), and a
plain long form (``area_code, area_name, year, age_band, population``). Rates are only as
good as their denominator, so the set's name, year and source travel with every rate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable
from saferplan.geography import codes

BAND_COLUMN = re.compile(r"^(Persons|Males|Females)_(.+)$", re.IGNORECASE)
SINGLE_AGE = re.compile(r"^(\d{1,2}|90\+)$")
LONG_COLUMNS = ["area_code", "area_name", "year", "age_band", "population"]
YEAR_IN_NAME = re.compile(r"mid[-_ ]?((19|20)\d{2})", re.IGNORECASE)
DEFAULT_SOURCE = "ONS mid-year population estimates"


def _band(label: str) -> str:
    label = label.strip().lower()
    return "all" if label in ("all-ages", "all ages", "all_ages", "all") else label


@register
class PopulationImporter:
    kind: ClassVar[str] = "population"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        text, encoding = decoded_text(source)
        header = [h.strip() for h in csvcheck.read_header(name, text[:65536])]
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
        except csv.Error as exc:
            raise InputError(name, f"the file cannot be read as CSV ({exc})") from exc
        progress(source.size)
        if not any(any(c.strip() for c in r) for r in rows):
            raise InputError(name, "the file has a header but no rows", row=2)
        for index, record in enumerate(rows):
            if record and len(record) != len(header):
                raise InputError(
                    name,
                    f"this row has {len(record)} fields but the header has {len(header)}"
                    + (" (is the file truncated?)" if len(record) < len(header) else ""),
                    row=index + 2,
                )
        lower = [h.lower() for h in header]
        if "population" in lower and "age_band" in lower:
            records, year = _long(name, header, rows, options)
        else:
            year = _year(name, source.name, options)
            records = _wide(name, header, rows, year)
        levels = sorted({r[1] for r in records})
        set_name = options.get("name") or f"ONS mid-{year} {'/'.join(levels)} estimates"
        src = options.get("source") or DEFAULT_SOURCE
        lookups = _derived_lookup(header, rows)
        data = pa.table(
            {
                "population_set": pa.array([set_name] * len(records), pa.string()),
                "source": pa.array([src] * len(records), pa.string()),
                "level": [r[1] for r in records],
                "area_code": [r[0] for r in records],
                "area_name": [r[2] for r in records],
                "year": pa.array([r[3] for r in records], pa.int32()),
                "sex": [r[4] for r in records],
                "age_band": [r[5] for r in records],
                "population": pa.array([r[6] for r in records], pa.int64()),
                "partition_key": [f"population|{set_name}|{r[1]}|{r[3]}" for r in records],
            }
        )
        tables = [StagedTable("population", data)]
        if lookups is not None:
            tables.append(StagedTable("area_lookup", lookups))
        return ParsedSource(
            tables=tables,
            rows_read=len(rows),
            rows_kept=len(rows),
            encoding=encoding,
            dataset_name=set_name,
            notes={"year": year, "levels": levels, "source": src},
        )


Record = tuple[str, str, str | None, int, str, str, int]


def _year(file: str, path: str, options: Mapping[str, Any]) -> int:
    if options.get("year"):
        return int(options["year"])
    match = YEAR_IN_NAME.search(PurePath(path).name)
    if match:
        return int(match.group(1))
    raise InputError(
        file,
        "the year of the estimates is not in the file name",
        hint="Pass --year, e.g. --year 2019 for mid-2019 estimates.",
    )


def _code_column(file: str, header: list[str]) -> str:
    for column in header:
        if codes.level_of_column(column):
            return column
    for column in header:
        if column.lower() in ("code", "area code", "area_code", "area codes"):
            return column
    raise InputError(
        file,
        "no area code column (such as LSOA11CD, LAD21CD or Code)",
        row=1,
        hint=f"The file's columns are: {', '.join(header)}.",
    )


def _count(file: str, raw: str, line: int, column: str) -> int:
    value = csvcheck.parse_count(raw)
    if value is None:
        problem = "is empty" if not raw.strip() else f"'{raw}' is not a whole number"
        raise InputError(file, f"the population {problem}", row=line, column=column)
    return value


def _area(file: str, code: str, line: int, column: str, level_hint: str | None) -> str:
    code = code.strip()
    level = codes.level_of_code(code) or level_hint
    if not code or level is None:
        raise InputError(file, f"'{code}' is not an ONS area code", row=line, column=column)
    return level


def _wide(file: str, header: list[str], rows: list[list[str]], year: int) -> list[Record]:
    code_col = _code_column(file, header)
    name_col = codes.name_column_for(code_col, header) or next(
        (h for h in header if h.lower() in ("name", "area name", "area_name")), None
    )
    hint = codes.level_of_column(code_col)
    banded = [(i, h) for i, h in enumerate(header) if BAND_COLUMN.match(h)]
    single = [(i, h) for i, h in enumerate(header) if SINGLE_AGE.match(h)]
    all_ages = next((i for i, h in enumerate(header) if _band(h) == "all"), None)
    if not banded and not (single and all_ages is not None):
        raise InputError(
            file,
            "no population columns found (expected Persons_All-Ages... or All Ages, 0, 1, ...)",
            row=1,
        )
    ci = header.index(code_col)
    ni = header.index(name_col) if name_col else None
    out: list[Record] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(rows):
        line = index + 2
        if not any(c.strip() for c in record):
            continue
        code = record[ci].strip()
        level = _area(file, code, line, code_col, hint)
        if code in seen:
            raise InputError(file, f"{code} appears again (first on row {seen[code]})", row=line)
        seen[code] = line
        area_name = record[ni].strip() if ni is not None else None
        if banded:
            for i, column in banded:
                match = BAND_COLUMN.match(column)
                assert match
                sex, band = match.group(1).lower(), _band(match.group(2))
                out.append(
                    (code, level, area_name, year, sex, band, _count(file, record[i], line, column))
                )
        else:
            assert all_ages is not None
            total = _count(file, record[all_ages], line, header[all_ages])
            out.append((code, level, area_name, year, "persons", "all", total))
            ages = 0
            for i, column in single:
                value = _count(file, record[i], line, column)
                ages += value
                out.append((code, level, area_name, year, "persons", column, value))
            if ages != total:
                raise InputError(
                    file,
                    f"single years of age add up to {ages:,}, not the {total:,} in 'All Ages'",
                    row=line,
                )
    return out


def _long(
    file: str, header: list[str], rows: list[list[str]], options: Mapping[str, Any]
) -> tuple[list[Record], int]:
    lower = {h.lower(): i for i, h in enumerate(header)}
    csvcheck.check_header(file, list(lower), LONG_COLUMNS)
    out: list[Record] = []
    years = set()
    for index, record in enumerate(rows):
        line = index + 2
        if not any(c.strip() for c in record):
            continue
        code = record[lower["area_code"]].strip()
        level_given = record[lower["level"]].strip() if "level" in lower else None
        level = _area(file, code, line, "area_code", level_given or None)
        raw_year = record[lower["year"]].strip()
        if not re.match(r"^(19|20)\d{2}$", raw_year):
            raise InputError(file, f"'{raw_year}' is not a year", row=line, column="year")
        year = int(raw_year)
        years.add(year)
        sex = record[lower["sex"]].strip().lower() if "sex" in lower else "persons"
        if sex not in ("persons", "males", "females"):
            raise InputError(
                file, f"'{sex}' is not persons, males or females", row=line, column="sex"
            )
        band = _band(record[lower["age_band"]])
        if not band:
            raise InputError(file, "the age band is empty", row=line, column="age_band")
        value = _count(file, record[lower["population"]], line, "population")
        out.append(
            (code, level, record[lower["area_name"]].strip() or None, year, sex, band, value)
        )
    return out, options.get("year") or max(years)


def _derived_lookup(header: list[str], rows: list[list[str]]) -> pa.Table | None:
    """LSOA -> local authority pairs the small-area file states; explicit lookups win."""
    upper = {h.upper(): i for i, h in enumerate(header)}
    lsoa = next((h for h in upper if re.match(r"^LSOA\d\dCD$", h)), None)
    lad = next((h for h in upper if re.match(r"^LAD\d\dCD$", h)), None)
    if not lsoa or not lad:
        return None
    lsoa_nm, lad_nm = upper.get(lsoa[:-2] + "NM"), upper.get(lad[:-2] + "NM")
    kept = [r for r in rows if any(c.strip() for c in r)]
    return pa.table(
        {
            "lsoa_code": [r[upper[lsoa]].strip() for r in kept],
            "lsoa_name": [r[lsoa_nm].strip() if lsoa_nm is not None else None for r in kept],
            "ward_code": pa.array([None] * len(kept), pa.string()),
            "ward_name": pa.array([None] * len(kept), pa.string()),
            "lad_code": [r[upper[lad]].strip() for r in kept],
            "lad_name": [r[lad_nm].strip() if lad_nm is not None else None for r in kept],
            "partition_key": [f"derived|{r[upper[lsoa]].strip()}" for r in kept],
        }
    )
