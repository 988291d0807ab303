"""LSOA -> ward -> local authority lookups (ONS style ``LSOA11CD, WD22CD, LAD22CD`` or plain).

An explicit lookup always wins over the LSOA -> authority pairs a population file implies.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import pyarrow as pa

from saferplan.core import csvcheck
from saferplan.core.errors import InputError
from saferplan.datastore.importing import ParsedSource, ProgressCallback, register
from saferplan.datastore.sources import SourceFile, decoded_text
from saferplan.datastore.warehouse import StagedTable

PLAIN = ["lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name"]
ONS = {
    "lsoa_code": r"^LSOA\d\dCD$",
    "lsoa_name": r"^LSOA\d\dNM$",
    "ward_code": r"^WD\d\dCD$",
    "ward_name": r"^WD\d\dNM$",
    "lad_code": r"^LAD\d\dCD$",
    "lad_name": r"^LAD\d\dNM$",
}


def _columns(file: str, header: list[str]) -> dict[str, int]:
    if "lsoa_code" in header:
        csvcheck.check_header(file, header, ["lsoa_code", "lad_code"])
        return {k: header.index(k) for k in PLAIN if k in header}
    found: dict[str, int] = {}
    for key, pattern in ONS.items():
        for i, h in enumerate(header):
            if re.match(pattern, h, re.IGNORECASE):
                found[key] = i
                break
    if "lsoa_code" not in found or ("ward_code" not in found and "lad_code" not in found):
        raise InputError(
            file,
            "expected LSOA and ward or local authority code columns (e.g. LSOA11CD, WD22CD, "
            "LAD22CD) or the plain form lsoa_code, ward_code, lad_code",
            row=1,
        )
    return found


@register
class LookupImporter:
    kind: ClassVar[str] = "lookup"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    def parse(
        self, source: SourceFile, options: Mapping[str, Any], progress: ProgressCallback
    ) -> ParsedSource:
        name = source.display_name
        text, encoding = decoded_text(source)
        try:
            records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError(name, f"the file cannot be read as CSV ({exc})") from exc
        header = [h.strip() for h in records[0]]
        reader = iter(records[1:])
        columns = _columns(name, header)
        out: dict[str, list[str | None]] = {k: [] for k in PLAIN}
        seen: dict[str, int] = {}
        for index, record in enumerate(reader):
            line = index + 2
            if not any(c.strip() for c in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    name, f"this row has {len(record)} fields but the header has {len(header)}",
                    row=line,
                )  # fmt: skip
            code = record[columns["lsoa_code"]].strip()
            if not re.match(r"^[EW]01\d{6}$", code):
                raise InputError(name, f"'{code}' is not an LSOA code", row=line,
                                 column=header[columns["lsoa_code"]])  # fmt: skip
            if code in seen:
                raise InputError(name, f"LSOA {code} appears again (first on row {seen[code]})",
                                 row=line)  # fmt: skip
            seen[code] = line
            for key in PLAIN:
                value = record[columns[key]].strip() if key in columns else ""
                out[key].append(value or None)
        progress(source.size)
        if not seen:
            raise InputError(name, "the file has a header but no rows", row=2)
        data = pa.table({**out, "partition_key": [f"lookup|{c}" for c in out["lsoa_code"]]})
        return ParsedSource(
            tables=[StagedTable("area_lookup", data)],
            rows_read=len(seen),
            rows_kept=len(seen),
            encoding=encoding,
        )
