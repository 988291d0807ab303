"""Published comparator figures beside local ones, with the direction of good.

Import format: CSV ``indicator, area, period, value`` (e.g. ``first_time_entrants, YOT
family, 2018-19, 221``). Periods are normalised the way the local indicators label them
(``2018-19`` -> ``2018/19``), so figures line up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from saferplan.accounts.tenancy import require_partnership
from saferplan.core.csvcheck import DictReader, check_header
from saferplan.core.errors import InputError
from saferplan.datastore.sources import SourceFile, decoded_text, read_regular_file
from saferplan.youthjustice.kpis import direction
from saferplan.youthjustice.models import PublishedFigure


def normalise_period(text: str) -> str:
    text = text.strip()
    match = re.fullmatch(r"(?:FY)?(\d{4})[-/](\d{2})", text, re.IGNORECASE)
    if match and int(match.group(2)) == (int(match.group(1)) + 1) % 100:
        return f"{match.group(1)}/{match.group(2)}"
    return text


@transaction.atomic
def import_comparators(path: Path) -> int:
    owner = require_partnership()
    text, _ = decoded_text(SourceFile(str(path), read_regular_file(path)))
    reader = DictReader(str(path), text)
    header = [h.strip() for h in reader.fieldnames or []]
    check_header(str(path), header, ["indicator", "area", "period", "value"])
    count = 0
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        for column in ("indicator", "area", "period"):
            if not row[column]:
                raise InputError(str(path), f"the {column} is empty", row=n, column=column)
        try:
            value = Decimal(row["value"].replace(",", ""))
        except InvalidOperation:
            raise InputError(
                str(path), f"'{row['value']}' is not a number", row=n, column="value"
            ) from None
        PublishedFigure.objects.update_or_create(
            partnership=owner,
            indicator=row["indicator"],
            area=row["area"],
            period=normalise_period(row["period"]),
            defaults={"value": value, "source_file": path.name},
        )
        count += 1
    if not count:
        raise InputError(str(path), "the file has a header but no rows", row=2)
    return count


@dataclass(frozen=True)
class ComparatorCell:
    area: str
    value: Decimal
    previous: Decimal | None
    change_word: str  # 'better' | 'worse' | 'same' | 'up' | 'down' (no direction) | ''


def comparators_for(indicator: str, period_label: str) -> list[ComparatorCell]:
    """Published figures for the same indicator and period, with change since the last one."""
    period = normalise_period(period_label.replace("cohort ", ""))
    out = []
    for figure in PublishedFigure.objects.filter(indicator=indicator, period=period).order_by(
        "area"
    ):
        earlier = (
            PublishedFigure.objects.filter(indicator=indicator, area=figure.area, period__lt=period)
            .order_by("-period")
            .first()
        )
        word = ""
        good = direction(indicator)
        if earlier is not None:
            change = figure.value - earlier.value
            if change == 0:
                word = "same"
            elif good:
                word = "better" if (change < 0) == (good == "lower") else "worse"
            else:
                word = "up" if change > 0 else "down"
        out.append(
            ComparatorCell(figure.area, figure.value, earlier.value if earlier else None, word)
        )
    return out


POPULATION_COLUMNS = ["area", "year", "ethnic_group", "population"]


@transaction.atomic
def import_population_by_ethnicity(path: Path) -> int:
    """Children aged 10-17 by ethnic group (CSV ``area, year, ethnic_group, population``,
    e.g. from the 2021 census), replacing figures for the same area, year and group."""
    owner = require_partnership()
    from saferplan.youthjustice.models import PopulationByEthnicity
    from saferplan.youthjustice.records import ETHNIC_GROUPS

    text, _ = decoded_text(SourceFile(str(path), read_regular_file(path)))
    reader = DictReader(str(path), text)
    check_header(str(path), [h.strip() for h in reader.fieldnames or []], POPULATION_COLUMNS)
    count = 0
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if not row["area"]:
            raise InputError(str(path), "the area is empty", row=n, column="area")
        if row["ethnic_group"] not in ETHNIC_GROUPS:
            raise InputError(
                str(path),
                f"'{row['ethnic_group']}' is not one of {', '.join(ETHNIC_GROUPS)}",
                row=n,
                column="ethnic_group",
            )
        for column in ("year", "population"):
            if not row[column].replace(",", "").isdigit():
                raise InputError(
                    str(path), f"'{row[column]}' is not a whole number", row=n, column=column
                )
        PopulationByEthnicity.objects.update_or_create(
            partnership=owner,
            area=row["area"],
            year=int(row["year"]),
            ethnic_group=row["ethnic_group"],
            defaults={
                "population": int(row["population"].replace(",", "")),
                "source_file": path.name,
            },
        )
        count += 1
    if not count:
        raise InputError(str(path), "the file has a header but no rows", row=2)
    return count


def population_by_ethnicity(area: str, year: int) -> tuple[int, dict[str, int]] | None:
    """The 10-17 population by ethnic group for the year nearest ``year``: (year, figures)."""
    from saferplan.youthjustice.models import PopulationByEthnicity

    years = set(PopulationByEthnicity.objects.filter(area=area).values_list("year", flat=True))
    if not years:
        return None
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    figures = PopulationByEthnicity.objects.filter(area=area, year=nearest)
    return nearest, {f.ethnic_group: f.population for f in figures}
