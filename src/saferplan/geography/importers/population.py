"""ONS population estimates, in three shapes, each imported as a named and dated set.

Shapes: the ONS small-area file with broad age bands by sex (``Persons_All-Ages``,
``Males_0-15``...), the ONS single-year-of-age file (``All Ages``, ``0``...``90+``), and a
plain long form (``area_code, area_name, year, age_band, population``). Rates are only as
good as their denominator, so the set's name, year and source travel with every rate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
YEAR_IN_NAME = re.compile(r"mid[-_ ]?((19|20)[0-9]{2})", re.IGNORECASE)
YEAR = re.compile(r"^(19|20)[0-9]{2}$")
# A GSS code: a letter for the country, then eight ASCII digits (ZZ999 is not one).
AREA_CODE = re.compile(r"^[EWSNK][0-9]{8}$")
NAME_COLUMN = re.compile(r"^((LSOA|MSOA|WD|LAD)[0-9]{2})NM$", re.IGNORECASE)
DEFAULT_SOURCE = "ONS mid-year population estimates"


def _band(label: str) -> str:
    label = label.strip().lower()
    return "all" if label in ("all-ages", "all ages", "all_ages", "all") else label


@register
class PopulationImporter:
    kind: ClassVar[str] = "population"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str] = "an ONS population file"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        lower = {h.lower() for h in header}
        return (
            any(BAND_COLUMN.match(h) for h in header)
            or (bool(lower & {"all ages", "all-ages"}) and any(SINGLE_AGE.match(h) for h in header))
            or {"population", "age_band"} <= lower
        )

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        text, encoding = decoded_text(source)
        header = [h.strip() for h in csvcheck.read_header(name, text[:65536])]
        lines, rows = _rows(name, text, len(header))
        progress(source.size)
        lower = [h.lower() for h in header]
        if "population" in lower and "age_band" in lower:
            records, year = _long(name, header, lines, rows, options)
        else:
            year = _year(name, source.name, options)
            records = _wide(name, header, lines, rows, year)
        levels = sorted({r[1] for r in records})
        set_name = options.get("name") or f"ONS mid-{year} {'/'.join(levels)} estimates"
        src = options.get("source") or DEFAULT_SOURCE
        lookups = _derived_lookup(name, header, lines, rows)
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
            notes={"year": year, "levels": levels, "source": src,
                   "ignored_columns": csvcheck.ignored_columns(header, _known_column)},
        )  # fmt: skip


Record = tuple[str, str, str | None, int, str, str, int]
NAMED_COLUMNS = {"code", "name", "area code", "area_code", "area codes", "area name", "area_name",
                 "year", "sex", "level", "age_band", "population"}  # fmt: skip


def _known_column(column: str) -> bool:
    return (
        bool(BAND_COLUMN.match(column) or SINGLE_AGE.match(column) or _band(column) == "all")
        or column.strip().lower() in NAMED_COLUMNS
    )


def _rows(file: str, text: str, width: int) -> tuple[list[int], list[list[str]]]:
    """The records after the header, and the line each starts on; every one as wide."""
    lines, rows = [], []
    for line, record in list(csvcheck.records(file, text))[1:]:
        if record and len(record) != width:
            raise InputError(
                file,
                f"this row has {len(record)} fields but the header has {width}"
                + (" (is the file truncated?)" if len(record) < width else ""),
                row=line,
            )
        lines.append(line)
        rows.append(record)
    if not any(any(c.strip() for c in r) for r in rows):
        raise InputError(file, "the file has a header but no rows", row=2)
    return lines, rows


def _given_year(file: str, options: Mapping[str, Any]) -> int | None:
    """The ``--year`` option, if given; refused unless a year of this or the last century."""
    given = options.get("year")
    if given is None or given == "":
        return None
    if not YEAR.match(str(given).strip()):
        raise InputError(
            file,
            f"--year {csvcheck.quoted(given, 20)} is not a year",
            hint="Give the year the estimates are for, e.g. --year 2019.",
        )
    return int(given)


def _year(file: str, path: str, options: Mapping[str, Any]) -> int:
    given = _given_year(file, options)
    if given is not None:
        return given
    match = YEAR_IN_NAME.search(PurePath(path).name)
    if match:
        return int(match.group(1))
    raise InputError(
        file,
        "the year of the estimates is not in the file name",
        hint="Pass --year, e.g. --year 2019 for mid-2019 estimates.",
    )


def _code_column(file: str, header: list[str]) -> str:
    """The area code column: the first ONS code column, else one named like 'Code'.

    A name column whose code column is missing (LSOA11NM without LSOA11CD) is refused: the
    next code column (LAD11CD) would silently make an LSOA file a borough one.
    """
    upper = {h.upper() for h in header}
    for column in header:
        named = NAME_COLUMN.match(column)
        if named and f"{named.group(1)}CD".upper() not in upper:
            raise InputError(
                file,
                f"the file has a column {csvcheck.quoted(column)} but no "
                f"'{named.group(1)}CD' column for its codes",
                row=1,
                column=csvcheck.column_label(column),
            )
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
        hint=f"The file's columns are: {csvcheck.listing_of(header)}.",
    )


def _count(file: str, raw: str, line: int, column: str) -> int:
    return csvcheck.check_count(file, raw, line, column, what="population")


def _area(file: str, code: str, line: int, column: str, level_hint: str | None) -> str:
    code = code.strip()
    level = codes.level_of_code(code) or level_hint
    if not AREA_CODE.match(code) or level is None:
        raise InputError(file, f"{csvcheck.quoted(code)} is not an ONS area code", row=line,
                         column=column, hint="ONS codes are a letter and eight digits, e.g. "
                         "E01000001 (an LSOA) or E09000015 (a London borough).")  # fmt: skip
    return level


def _wide(
    file: str, header: list[str], lines: list[int], rows: list[list[str]], year: int
) -> list[Record]:
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
    for line, record in zip(lines, rows, strict=True):
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
    file: str,
    header: list[str],
    lines: list[int],
    rows: list[list[str]],
    options: Mapping[str, Any],
) -> tuple[list[Record], int]:
    lower = {h.lower(): i for i, h in enumerate(header)}
    csvcheck.check_header(file, list(lower), LONG_COLUMNS)
    out: list[Record] = []
    years = set()
    for line, record in zip(lines, rows, strict=True):
        if not any(c.strip() for c in record):
            continue
        code = record[lower["area_code"]].strip()
        level_given = record[lower["level"]].strip() if "level" in lower else None
        level = _area(file, code, line, "area_code", level_given or None)
        raw_year = record[lower["year"]].strip()
        if not YEAR.match(raw_year):
            raise InputError(file, f"{csvcheck.quoted(raw_year)} is not a year", row=line,
                             column="year")  # fmt: skip
        year = int(raw_year)
        years.add(year)
        sex = record[lower["sex"]].strip().lower() if "sex" in lower else "persons"
        if sex not in ("persons", "males", "females"):
            raise InputError(
                file, f"{csvcheck.quoted(sex)} is not persons, males or females", row=line,
                column="sex",
            )  # fmt: skip
        band = _band(record[lower["age_band"]])
        if not band:
            raise InputError(file, "the age band is empty", row=line, column="age_band")
        value = _count(file, record[lower["population"]], line, "population")
        out.append(
            (code, level, record[lower["area_name"]].strip() or None, year, sex, band, value)
        )
    given = _given_year(file, options)
    return out, given if given is not None else max(years)


def _derived_lookup(
    file: str, header: list[str], lines: list[int], rows: list[list[str]]
) -> pa.Table | None:
    """LSOA -> local authority pairs the small-area file states; explicit lookups win."""
    upper = {h.upper(): i for i, h in enumerate(header)}
    lsoa = next((h for h in upper if re.match(r"^LSOA[0-9]{2}CD$", h)), None)
    lad = next((h for h in upper if re.match(r"^LAD[0-9]{2}CD$", h)), None)
    if not lsoa or not lad:
        return None
    lsoa_nm, lad_nm = upper.get(lsoa[:-2] + "NM"), upper.get(lad[:-2] + "NM")
    kept = [r for r in rows if any(c.strip() for c in r)]
    for line, record in zip(lines, rows, strict=True):
        if not any(c.strip() for c in record):
            continue
        code = record[upper[lad]].strip()
        if not AREA_CODE.match(code) or codes.level_of_code(code) != "borough":
            raise InputError(file, f"{csvcheck.quoted(code)} is not a local authority code",
                             row=line, column=header[upper[lad]])  # fmt: skip
    return pa.table(
        {
            "lsoa_code": [r[upper[lsoa]].strip() for r in kept],
            "lsoa_name": [r[lsoa_nm].strip() if lsoa_nm is not None else None for r in kept],
            "ward_code": pa.array([None] * len(kept), pa.string()),
            "ward_name": pa.array([None] * len(kept), pa.string()),
            "lad_code": [r[upper[lad]].strip() for r in kept],
            "lad_name": [r[lad_nm].strip() if lad_nm is not None else None for r in kept],
            "vintage": pa.nulls(len(kept), pa.string()),  # names no wards
            "partition_key": [f"derived|{r[upper[lsoa]].strip()}" for r in kept],
        }
    )
