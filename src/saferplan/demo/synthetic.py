"""A synthetic police extract for Harrow, in the shape the police send: no real figures.

Partnerships receive domestic abuse, knife crime, gun crime, ASB calls and serious youth
violence counts from the police as extracts; none are open data, so the demo and the tests
use this made-up one (``synthetic/harrow-police-extract-SYNTHETIC.csv``). Its figures are
plausible, not real: domestic abuse flagged violence with injury is drawn as a share of the
real MPS violence with injury counts (the rest is the non-domestic measure, so the two add
up to the MPS figure), the other measures from Poisson counts with a summer peak. Domestic
abuse and knife crime also come by ward, split in proportion to each ward's violence in the
real MPS ward files: on the 2018 wards to November 2021, on the 2022 wards from December
2021, as the MPS series are. Run

    .venv/bin/python -m saferplan.demo.synthetic

to write it again (the same seed gives the same file with the same numpy).
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from saferplan.demo import DATA

OUT = DATA / "synthetic" / "harrow-police-extract-SYNTHETIC.csv"
BOROUGH, CODE = "Harrow", "E09000015"
FIRST, LAST = date(2016, 1, 1), date(2023, 11, 1)
SWITCH = date(2021, 12, 1)  # the MPS ward series moves to the 2022 wards
SEED = 2024
DA, NON_DA = "Domestic abuse violence with injury", "Non-domestic abuse violence with injury"
# measure -> (monthly mean, size of the summer peak); the two violence measures come from MPS.
POISSON = {
    "Knife crime": (19.0, 0.15),
    "Gun crime": (1.6, 0.0),
    "ASB calls": (610.0, 0.25),
    "Serious youth violence victims": (11.0, 0.2),
}
BY_WARD = (DA, "Knife crime")
WARD_FILES = {
    "2018": "ward_2018/mps_ward_monthly_2017-08_2019-07_wards2018.csv",
    "2022": "mps_ward_monthly_2021-12_2023-11.csv",
}
BOROUGH_FILES = (
    "mps_borough_monthly_2010-04_2021-11.csv",
    "mps_borough_monthly_2021-12_2023-11.csv",
)


def _months() -> list[date]:
    out, m = [], FIRST
    while m <= LAST:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def _violence() -> dict[date, int]:
    """Harrow's real MPS violence with injury, by month."""
    found: dict[date, int] = defaultdict(int)
    for name in BOROUGH_FILES:
        with open(DATA / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if (
                    row["LookUp_BoroughName"] == BOROUGH
                    and row["MinorText"] == "Violence with Injury"
                ):
                    for column, value in row.items():
                        if column.isdigit():
                            found[date(int(column[:4]), int(column[4:]), 1)] += int(value)
    return found


def _ward_weights(vintage: str) -> dict[tuple[str, str], int]:
    """(code, name) -> violence against the person in the real ward file of ``vintage``."""
    weights: dict[tuple[str, str], int] = defaultdict(int)
    with open(DATA / WARD_FILES[vintage], newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["LookUp_BoroughName"] == BOROUGH and row["MajorText"].startswith("Violence"):
                total = sum(int(v) for k, v in row.items() if k.isdigit())
                weights[(row["WardCode"], row["WardName"])] += total + 1
    return dict(sorted(weights.items()))


def generate() -> str:
    """The extract's text."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    violence = _violence()
    wards = {v: _ward_weights(v) for v in WARD_FILES}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["area_code", "area_name", "level", "month", "measure", "count"])
    for month in _months():
        summer = math.cos((month.month - 7) / 12 * 2 * math.pi)
        counts: dict[str, int] = {DA: int(rng.binomial(violence[month], 0.37))}
        counts[NON_DA] = violence[month] - counts[DA]
        for measure, (mean, peak) in POISSON.items():
            counts[measure] = int(rng.poisson(mean * (1 + peak * summer)))
        for measure, count in counts.items():
            writer.writerow([CODE, BOROUGH, "borough", f"{month:%Y-%m}", measure, count])
        these = wards["2022" if month >= SWITCH else "2018"]
        shares = np.array(list(these.values()), dtype=float)
        for measure in BY_WARD:
            split = rng.multinomial(counts[measure], shares / shares.sum())
            for (code, name), n in zip(these, split, strict=True):
                writer.writerow([code, name, "ward", f"{month:%Y-%m}", measure, int(n)])
    return out.getvalue()


def write(out: Path = OUT) -> Any:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(generate(), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(f"written {write()}")
