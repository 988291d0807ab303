"""A synthetic police.uk archive the size of England and Wales, for measuring national scale.

The layout and columns are police.uk's (``YYYY-MM/YYYY-MM-<force>-street.csv``, the twelve
street-file columns), with the 43 territorial forces of England and Wales, the police.uk
crime types and LSOA codes in the real ranges (E01000001.., W01000001..). The bundled
lookups cover London only, so the forces' community safety partnership areas and the LSOAs
in them are synthetic: :func:`write_lookup` and :func:`write_population` write a lookup and
population estimates for them, imported the normal way. Deterministic (a seed), and written
file by file with pyarrow's CSV writer, so memory stays bounded whatever the size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London",
    "Cleveland", "Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham",
    "Dyfed-Powys", "Essex", "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire",
    "Hertfordshire", "Humberside", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Merseyside", "Metropolitan Police Service", "Norfolk", "North Wales", "North Yorkshire",
    "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire",
    "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire",
    "West Mercia", "West Midlands", "West Yorkshire", "Wiltshire",
)  # fmt: skip
WELSH = {"Dyfed-Powys", "Gwent", "North Wales", "South Wales"}
CRIME_TYPES = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson",
    "Drugs", "Other crime", "Other theft", "Possession of weapons", "Public order",
    "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime",
    "Violence and sexual offences",
)  # fmt: skip
# Roughly police.uk's mix: ASB and violence are the largest, weapons the smallest.
CRIME_WEIGHTS = (20, 1, 5, 8, 3, 2, 9, 1, 8, 1, 7, 2, 7, 26)
COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)  # fmt: skip
ENGLISH_LSOAS, WELSH_LSOAS = 32_844, 1_909  # LSOAs of 2011
AREAS_PER_FORCE = 7  # ~300 community safety partnership areas in all


@dataclass(frozen=True)
class Area:
    """A synthetic community safety partnership area (a local authority) and its LSOAs."""

    code: str
    name: str
    force: str
    lsoas: tuple[str, ...]


def areas() -> list[Area]:
    """Every force's areas, each holding a run of real-format LSOA codes."""
    english = [f for f in FORCES if f not in WELSH]
    out = []
    countries = (("E", english, ENGLISH_LSOAS), ("W", sorted(WELSH), WELSH_LSOAS))
    for country, forces, total in countries:
        count = len(forces) * AREAS_PER_FORCE
        bounds = np.linspace(0, total, count + 1).astype(int)
        for i in range(count):
            force = forces[i // AREAS_PER_FORCE]
            prefix = "W06" if country == "W" else "E07"
            code = f"{prefix}{900000 + i:06d}"
            lsoas = tuple(f"{country}01{n + 1:06d}" for n in range(bounds[i], bounds[i + 1]))
            out.append(Area(code, f"{force} area {i % AREAS_PER_FORCE + 1}", force, lsoas))
    return out


def months(first_year: int, years: int) -> list[str]:
    return [f"{first_year + m // 12}-{m % 12 + 1:02d}" for m in range(years * 12)]


def write_archive(
    folder: Path, rows: int, *, first_year: int = 2014, years: int = 10, seed: int = 12
) -> Iterator[tuple[Path, int]]:
    """Write ``rows`` records as police.uk street files under ``folder``; yields each file
    and its rows as it is written."""
    rng = np.random.default_rng(seed)
    by_force: dict[str, list[str]] = {}
    for area in areas():
        by_force.setdefault(area.force, []).extend(area.lsoas)
    all_months = months(first_year, years)
    per_file = rows // (len(FORCES) * len(all_months))
    extra = rows - per_file * len(FORCES) * len(all_months)
    weights = np.array(CRIME_WEIGHTS, dtype=float) / sum(CRIME_WEIGHTS)
    types = np.array(CRIME_TYPES, dtype=object)
    for m, month in enumerate(all_months):
        (folder / month).mkdir(parents=True, exist_ok=True)
        for f, force in enumerate(FORCES):
            n = per_file + (1 if m * len(FORCES) + f < extra else 0)
            lsoas = np.array(by_force[force], dtype=object)
            path = folder / month / f"{month}-{force.lower().replace(' ', '-')}-street.csv"
            _write_file(path, _records(rng, n, month, force, lsoas, types, weights))
            yield path, n


def _records(
    rng: np.random.Generator, n: int, month: str, force: str, lsoas: np.ndarray,
    types: np.ndarray, weights: np.ndarray,
) -> pa.Table:  # fmt: skip
    crime = types[rng.choice(len(types), size=n, p=weights)]
    lsoa = lsoas[rng.integers(0, len(lsoas), size=n)]
    asb = crime == "Anti-social behaviour"
    ids = np.char.mod("%064x", rng.integers(0, 2**62, size=n)).astype(object)
    ids[asb] = None
    outcome = np.full(n, "Investigation complete; no suspect identified", dtype=object)
    outcome[asb] = None
    name = f"{force} Police" if force != "Metropolitan Police Service" else force
    columns = [
        ids, np.full(n, month, dtype=object), np.full(n, name, dtype=object),
        np.full(n, name, dtype=object), np.round(rng.uniform(-5.5, 1.7, n), 6),
        np.round(rng.uniform(50.0, 55.8, n), 6), np.full(n, "On or near High Street", dtype=object),
        lsoa, np.char.add(lsoa.astype(str), " name").astype(object), crime, outcome,
        np.full(n, None, dtype=object),
    ]  # fmt: skip
    return pa.table(dict(zip(COLUMNS, [pa.array(c) for c in columns], strict=True)))


def _write_file(path: Path, table: pa.Table) -> None:
    options = pacsv.WriteOptions(quoting_style="needed")
    with pacsv.CSVWriter(path, table.schema, write_options=options) as writer:
        writer.write_table(table, max_chunksize=65536)


def write_lookup(path: Path) -> Path:
    """A plain LSOA -> local authority lookup for the synthetic areas."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["lsoa_code", "lsoa_name", "lad_code", "lad_name"])
        for area in areas():
            out.writerows([lsoa, f"{lsoa} name", area.code, area.name] for lsoa in area.lsoas)
    return path


def write_population(path: Path, first_year: int = 2014, years: int = 10) -> Path:
    """Synthetic estimates for each area and year (1,600 residents an LSOA)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["area_code", "area_name", "year", "age_band", "population"])
        for area in areas():
            for year in range(first_year, first_year + years):
                out.writerow([area.code, area.name, year, "all", 1600 * len(area.lsoas)])
    return path
