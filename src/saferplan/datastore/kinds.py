"""Every kind of file saferplan imports, declared once.

``saferplan import`` takes its kinds and help from here, the pipeline loads each importer
from its module only when that kind is imported (so the CLI starts fast), and the README's
table of what can be imported is generated from :data:`KINDS`. A restricted kind is a
partnership's own data: it needs a partnership, and only that partnership's users see it;
``roles`` says who may upload each kind in the web app (youth justice data: its
practitioners only).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportKind:
    kind: str
    module: str  # where the importer class is registered
    summary: str  # one line, for command help
    files: str  # what files it takes, for the README
    restricted: bool = False  # a partnership's own data (never shared): needs a partnership
    # The roles (``accounts.models.Role`` values) whose holders may import it in the web app.
    roles: tuple[str, ...] = ("admin", "analyst")


YOUTH_JUSTICE = ("youth_justice",)

KINDS = (
    ImportKind(
        "police-uk",
        "saferplan.crime.importers.police_uk",
        "police.uk street-level crime and ASB CSVs, folders or zip archives.",
        "police.uk street-level CSVs for any force: single files, folders, or the zip "
        "archives police.uk serves (only `*-street.csv` members are read)",
    ),
    ImportKind(
        "mps",
        "saferplan.crime.importers.mps",
        "Metropolitan Police monthly counts by borough, ward or LSOA (wide).",
        "Metropolitan Police monthly counts, wide, by borough, ward or LSOA (level "
        "recognised from the columns)",
    ),
    ImportKind(
        "lsoa-annual",
        "saferplan.crime.importers.lsoa_annual",
        "Annual crime counts per LSOA, one category per file.",
        "annual counts per LSOA, one category per file (category from the file name or "
        "`--category`)",
    ),
    ImportKind(
        "population",
        "saferplan.geography.importers.population",
        "ONS population estimates (LSOA broad bands, single year of age, long).",
        "ONS small-area estimates (broad bands by sex), ONS single year of age, or a long CSV "
        "`area_code,area_name,year,age_band,population`; each set named (`--name`) and dated "
        "(`--year`)",
    ),
    ImportKind(
        "lookup",
        "saferplan.geography.importers.lookup",
        "LSOA to ward to local authority lookup.",
        "LSOA → ward → local authority (ONS `LSOA11CD,WD22CD,LAD22CD…` or plain "
        "`lsoa_code,ward_code,lad_code`)",
    ),
    ImportKind(
        "boundaries",
        "saferplan.geography.importers.boundaries",
        "Area boundaries: WKT CSV, shapefile (.shp or zip) or GeoJSON.",
        "WKT CSV, shapefile (`.shp` or zip) or GeoJSON; stored in British National Grid "
        "(EPSG:27700)",
    ),
    ImportKind(
        "youth-justice",
        "saferplan.youthjustice.importers",
        "A youth justice case management extract: a CSV file per table, or a workbook.",
        "a youth justice service's case management extract: a CSV file per table "
        "(`children.csv`, `offences.csv`, …: `src/saferplan/youthjustice/spec.py`) or one Excel "
        "workbook with a sheet per table; stored in the database, never in the shared warehouse",
        restricted=True,
        roles=YOUTH_JUSTICE,
    ),
    ImportKind(
        "yj-comparators",
        "saferplan.youthjustice.importers",
        "Published youth justice figures to compare with: CSV indicator,area,period,value.",
        "published youth justice figures (YOT family, London, England and Wales): CSV "
        "`indicator,area,period,value`, the indicator a key of `saferplan definitions`",
        restricted=True,
        roles=YOUTH_JUSTICE,
    ),
    ImportKind(
        "yj-population-by-ethnicity",
        "saferplan.youthjustice.importers",
        "Children aged 10-17 by ethnic group: CSV area,year,ethnic_group,population.",
        "children aged 10-17 by ethnic group, the denominator of disproportionality: CSV "
        "`area,year,ethnic_group,population` (named with `--name`)",
        restricted=True,
        roles=YOUTH_JUSTICE,
    ),
    ImportKind(
        "delivery-plan",
        "saferplan.plans.importers",
        "A delivery plan in the spreadsheet shape (CSV or Excel); see 'saferplan plans import'.",
        "a partnership's delivery plan, one row per action (CSV or an Excel workbook's first "
        "sheet; the plan year from its `plan` column): `saferplan plans import` also takes "
        "`--year`, `--lead` and `--dry-run`",
        restricted=True,
        # Uploaded in the web app through its preview (/plans/import/), never straight to a job.
    ),
    ImportKind(
        "resources-budget",
        "saferplan.resources.importers",
        "A youth justice budget for a year: CSV or Excel agency,staffing_costs,...",
        "the youth justice budget for a year (`--year 2019-20`), as the YJB's Table 1: CSV or "
        "Excel `agency,staffing_costs,payments_in_kind,other_delegated_funds,note`; a Total row "
        "is checked, never kept",
        restricted=True,
        roles=("admin", *YOUTH_JUSTICE),
    ),
    ImportKind(
        "resources-grant-allocation",
        "saferplan.resources.importers",
        "The YJB grant's allocation for a year: CSV or Excel area_of_delivery,activity,amount.",
        "the allocation of the YJB youth justice grant for a year: CSV or Excel "
        "`area_of_delivery,activity,amount`",
        restricted=True,
        roles=("admin", *YOUTH_JUSTICE),
    ),
    ImportKind(
        "resources-staffing",
        "saferplan.resources.importers",
        "The youth justice service's posts for a year: CSV or Excel post,contract,fte,...",
        "the youth justice service's posts for a year: CSV or Excel "
        "`post,contract,fte,sex,ethnicity,start_date,vacant,note`",
        restricted=True,
        roles=("admin", *YOUTH_JUSTICE),
    ),
    ImportKind(
        "resources-funding",
        "saferplan.resources.importers",
        "Funding streams for a year: CSV or Excel stream,project,cash,in_kind,note,actions.",
        "the partnership's funding streams for a year: CSV or Excel "
        "`stream,project,cash,in_kind,note,actions` (the delivery plan actions each funds)",
        restricted=True,
    ),
    ImportKind(
        "resources-risks",
        "saferplan.resources.importers",
        "The risk register: CSV or Excel reference,risk,cause,...,likelihood,impact,status.",
        "the partnership's risk register: CSV or Excel `reference,risk,cause,consequence,"
        "likelihood,impact,owner,mitigation,review_date,status` (likelihood and impact 1-5)",
        restricted=True,
    ),
    ImportKind(
        "series",
        "saferplan.crime.importers.series",
        "Police and partners' extracts: CSV area_code,area_name,level,month,measure,count.",
        "police and partners' extracts of monthly counts (domestic abuse, knife crime, ASB "
        "calls…): CSV `area_code,area_name,level,month,measure,count`, level borough, ward "
        "or lsoa, one or more measures; the partnership's own (`--partnership`), seen only "
        "in its scope",
        restricted=True,
    ),
)
BY_KIND = {k.kind: k for k in KINDS}


def kinds_help() -> str:
    """The kinds, for the ``import`` command's help."""
    return "; ".join(f"{k.kind}: {k.summary}" for k in KINDS)


def kinds_table() -> str:
    def whose(k: ImportKind) -> str:
        return "the partnership's (`--partnership`)" if k.restricted else "open data, shared"

    rows = [f"| `{k.kind}` | {k.files} | {whose(k)} |" for k in KINDS]
    return "\n".join(["| kind | files | whose |", "|---|---|---|", *rows])
