"""A realistic police.uk street-level CSV generator, shared by the ingest benchmark and tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from saferplan.crime.importers.police_uk import COLUMNS

# Crime types with shares close to a recent year of a large urban force (ASB ~25%).
CRIME_TYPES = {
    "Anti-social behaviour": 0.25,
    "Violence and sexual offences": 0.24,
    "Other theft": 0.08,
    "Vehicle crime": 0.07,
    "Public order": 0.06,
    "Criminal damage and arson": 0.05,
    "Shoplifting": 0.05,
    "Burglary": 0.05,
    "Theft from the person": 0.03,
    "Robbery": 0.03,
    "Drugs": 0.03,
    "Bicycle theft": 0.02,
    "Other crime": 0.02,
    "Possession of weapons": 0.02,
}
OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Local resolution",
    "Offender given a caution",
    "Court result unavailable",
    "Further investigation is not in the public interest",
    "Formal action is not in the public interest",
    "Action to be taken by another organisation",
]
HEADER = COLUMNS  # the importer's own list, so the two cannot drift apart


def write_police_uk_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """Write ``rows`` records over 12 months of 2018 for the Metropolitan Police."""
    rng = np.random.default_rng(seed)
    types = list(CRIME_TYPES)
    probs = np.array(list(CRIME_TYPES.values()))
    chosen = rng.choice(len(types), size=rows, p=probs / probs.sum())
    months = rng.integers(1, 13, size=rows)
    lsoa = rng.integers(0, 4835, size=rows)
    lon = -0.51 + rng.random(rows) * 0.84
    lat = 51.29 + rng.random(rows) * 0.40
    outcome = rng.integers(0, len(OUTCOMES), size=rows)
    ids = rng.integers(0, 2**63, size=(rows, 4), dtype=np.int64)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        buf = io.StringIO()
        chunk = csv.writer(buf)
        for i in range(rows):
            asb = chosen[i] == 0
            crime_id = "" if asb else "".join(f"{abs(int(v)):016x}" for v in ids[i])
            chunk.writerow(
                (
                    crime_id,
                    f"2018-{months[i]:02d}",
                    "Metropolitan Police Service",
                    "Metropolitan Police Service",
                    f"{lon[i]:.6f}",
                    f"{lat[i]:.6f}",
                    "On or near Station Road",
                    f"E0100{lsoa[i] + 1000:04d}",
                    f"Harrow {lsoa[i] % 140:03d}A",
                    types[chosen[i]],
                    "" if asb else OUTCOMES[outcome[i]],
                    "",
                )
            )
            if i % 100_000 == 99_999:
                out.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
        out.write(buf.getvalue())
    return path
