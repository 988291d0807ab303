"""Annual recorded-crime counts per 2011 LSOA, one file per category (London, 2011 onwards).

The file name names the category. Two files hold *minor* categories that are subsets of a
major one; their rows carry a ``minor`` so themes that total crime (``minor IS NULL``) never
count them twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.crime.importers import wide
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable

LABELS = ["LSOA11CD", "LSOA11NM", "LAD11NM"]
IGNORED = ("MSOA11CD", "MSOA11NM", "LAD11CD")

# file-name category -> (MPS major category, minor category or None)
CATEGORIES: dict[str, tuple[str, str | None]] = {
    "major-arson": ("Arson and Criminal Damage", None),
    "major-burglary": ("Burglary", None),
    "major-drugs": ("Drug Offences", None),
    "major-misc": ("Miscellaneous Crimes Against Society", None),
    "major-public-order": ("Public Order Offences", None),
    "major-robbery": ("Robbery", None),
    "major-sexual": ("Sexual Offences", None),
    "major-theft-all": ("Theft", None),
    "major-vehicle-offences": ("Vehicle Offences", None),
    "major-violence": ("Violence Against the Person", None),
    "major-weapons": ("Possession of Weapons", None),
    # Named as the MPS minor categories they match (Harrow 2018: 138 here against 166
    # "Bicycle Theft", and 499 against 506 "Theft or Taking of a Motor Vehicle", in the
    # borough file: the LSOA extract is older and slightly smaller).
    "minor-theft-bicycle": ("Theft", "Bicycle Theft"),
    "minor-theft-vehicle": ("Vehicle Offences", "Theft or Taking of a Motor Vehicle"),
}
CATEGORY_RE = re.compile(r"(major|minor)-[a-z-]+$")
LSOA_CODE = re.compile(r"^[EW]01[0-9]{6}$")


def category_of(file: str, override: str | None) -> tuple[str, str | None]:
    if override:
        for key, value in CATEGORIES.items():
            if override.lower() in (key, key.split("-", 1)[1], value[0].lower()):
                return value
        return (override, None)
    stem = PurePath(file).stem.lower()
    match = CATEGORY_RE.search(stem)
    if match and match.group(0) in CATEGORIES:
        return CATEGORIES[match.group(0)]
    raise InputError(
        file,
        "the crime category cannot be told from the file name",
        hint=f"Pass --category, one of: {', '.join(k.split('-', 1)[1] for k in CATEGORIES)}.",
    )


@register
class LsoaAnnualImporter:
    kind: ClassVar[str] = "lsoa-annual"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    describes: ClassVar[str] = "an annual LSOA crime count file"

    @staticmethod
    def recognises(header: Sequence[str]) -> bool:
        return set(LABELS) <= set(header) and any(wide.YYYY.match(h) for h in header)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        major, minor = category_of(source.name, options.get("category"))
        text, encoding = decoded_text(source)
        table = wide.read_wide(name, text, LABELS, wide.YYYY, wide.year_start, "year", IGNORED)
        progress(source.size)
        seen: dict[str, int] = {}
        codes, names, boroughs, starts, counts, keys = [], [], [], [], [], []
        for line, row, values in table.rows:
            code = row["LSOA11CD"]
            if not LSOA_CODE.match(code):
                raise InputError(name, f"{csvcheck.quoted(code)} is not an LSOA code",
                                 row=line, column="LSOA11CD")  # fmt: skip
            if code in seen:
                raise InputError(
                    name, f"LSOA {code} appears again (first on row {seen[code]})", row=line
                )
            seen[code] = line
            for (_, start), count in zip(table.periods, values, strict=True):
                codes.append(code)
                names.append(row["LSOA11NM"])
                boroughs.append(row["LAD11NM"])
                starts.append(start)
                counts.append(count)
                keys.append(f"lsoa-annual|{major}|{minor or ''}|{start.year}")
        n = len(counts)
        data = pa.table(
            {
                "source": pa.array(["lsoa-annual"] * n, pa.string()),
                "level": pa.array(["lsoa"] * n, pa.string()),
                "area_code": codes,
                "area_name": names,
                "borough": boroughs,
                "major": pa.array([major] * n, pa.string()),
                "minor": pa.array([minor] * n, pa.string()),
                "period_start": pa.array(starts, pa.date32()),
                "period_grain": pa.array(["year"] * n, pa.string()),
                "count": pa.array(counts, pa.int64()),
                "vintage": pa.nulls(n, pa.string()),
                "partition_key": keys,
            }
        )
        return ParsedSource(
            tables=[StagedTable("crime_counts", data)],
            rows_read=len(table.rows),
            rows_kept=len(table.rows),
            encoding=encoding,
            notes={"major": major, "minor": minor},
        )
