"""Every youth justice table, declared once: its columns, their kinds and limits, its key and
references, and the model that stores it.

This one declaration drives the import (which columns a file may have, how each cell is
checked: ``files.check_row``), the export (``files.write_tables``), the conversion between
rows and the Django models (``store``), the indicator functions' tables (``store.tables``)
and the models' field lengths (``models``). No Django and no pandas here: the synthetic
generator and the checks use it before any database exists.

An extract is a CSV file per table of :data:`SPEC` (named after it: ``children.csv``), or
one Excel workbook with a sheet per table; ``children``, ``offences``, ``outcomes`` and
``remands`` are required, the others optional. Dates are YYYY-MM-DD (a date of birth may be
YYYY-MM where only the month is held: ages then count from the 1st), flags true/false, and
an empty cell means "none" or "not known". Published comparators and populations by ethnic
group are files of their own (:data:`COMPARATORS`, :data:`POPULATION_BY_ETHNICITY`).
"""

from __future__ import annotations

from dataclasses import dataclass

from saferplan.indicators.registry import in_groups
from saferplan.youthjustice import records as r

KINDS = ("text", "date", "birth", "int", "bool", "choice", "decimal")


@dataclass(frozen=True)
class Field:
    """One column. Text and choices are stored in ``max_length`` characters at most."""

    name: str
    kind: str  # one of KINDS; 'birth': a date, or a month (YYYY-MM)
    required: bool = True
    choices: tuple[str, ...] = ()
    low: int = 0  # int: the smallest and largest values allowed
    high: int = 10_000
    max_length: int = 0
    attribute: str = ""  # the model's field, where it is not called ``name``
    refers_to: str = ""  # a reference: the table whose key this names (a foreign key)
    digits: tuple[int, int] = (0, 0)  # decimal: (digits in all, decimal places)

    @property
    def model_field(self) -> str:
        return self.attribute or self.name


@dataclass(frozen=True)
class Table:
    """One table: its fields in file order, the key that identifies a record within a
    partnership, and what happens when a key was imported before."""

    name: str
    model: str  # the model in youthjustice.models
    fields: tuple[Field, ...]
    noun: str  # one record, as messages name it ("child")
    key: tuple[str, ...] = ()
    required: bool = False
    # A key imported before: 'refuse' (identifiers name one record for good) or 'replace'
    # (the newer file's values win: board attendance, published figures, populations).
    repeat: str = "refuse"
    # The column linking one record to several of another table, one row per link.
    many: str = ""

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _text(name: str, max_length: int, required: bool = True, **kw: str) -> Field:
    return Field(name, "text", required, max_length=max_length, **kw)  # type: ignore[arg-type]


def _choice(name: str, choices: tuple[str, ...], max_length: int, required: bool = True) -> Field:
    return Field(name, "choice", required, choices, max_length=max_length)


def _ref(name: str, table: str, attribute: str, required: bool = True) -> Field:
    return Field(name, "text", required, max_length=REFERENCE_LENGTH, attribute=attribute,
                 refers_to=table)  # fmt: skip


REFERENCE_LENGTH = 40  # a case management system's identifier of a child or record
_RISK = r.RISK_LEVELS
_OUTCOMES = tuple(r.OUTCOME_TYPES)

_EXTRACT = (
    Table("children", "Child", (
        _text("child_ref", REFERENCE_LENGTH, attribute="reference"),
        Field("date_of_birth", "birth"),
        _text("sex", 10),
        _choice("ethnicity", r.ETHNIC_GROUPS, 20),
        _text("home_la", 100),
    ), "child", key=("child_ref",), required=True),
    Table("offences", "Offence", (
        _text("offence_id", REFERENCE_LENGTH, attribute="external_id"),
        _ref("child_ref", "children", "child"),
        Field("offence_date", "date"),
        _text("offence_type", 100),
        Field("gravity", "int", low=1, high=8),
        Field("is_breach", "bool"),
    ), "offence", key=("offence_id",), required=True),
    Table("outcomes", "Outcome", (
        _text("outcome_id", REFERENCE_LENGTH, attribute="external_id"),
        _ref("child_ref", "children", "child"),
        Field("outcome_date", "date"),
        _choice("outcome_type", _OUTCOMES, 40),
        _ref("offence_id", "offences", "offences"),
        Field("release_date", "date", required=False),
    ), "outcome", key=("outcome_id",), required=True, many="offence_id"),
    Table("remands", "Remand", (
        _ref("child_ref", "children", "child"),
        Field("start_date", "date"),
        Field("end_date", "date"),
        _choice("remand_type", ("yda", "la"), 3),
    ), "remand", required=True),
    Table("statuses", "ChildStatus", (
        _ref("child_ref", "children", "child"),
        _choice("status", r.STATUS_TYPES, 20),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
    ), "status"),
    Table("assessments", "Assessment", (
        _text("assessment_id", REFERENCE_LENGTH, attribute="external_id"),
        _ref("child_ref", "children", "child"),
        Field("assessment_date", "date"),
        _choice("reoffending", _RISK, 10),
        _choice("serious_harm", _RISK, 10),
        _choice("safety_wellbeing", _RISK, 10),
        _choice("intervention_level", r.INTERVENTION_LEVELS, 10),
    ), "assessment", key=("assessment_id",)),
    Table("orders", "Order", (
        _text("order_id", REFERENCE_LENGTH, attribute="external_id"),
        _ref("child_ref", "children", "child"),
        _ref("outcome_id", "outcomes", "outcome", required=False),
        _choice("order_type", _OUTCOMES, 40),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
        Field("completed", "bool", required=False),
        _choice("accommodation_start", r.ACCOMMODATION, 10, required=False),
        _choice("accommodation_end", r.ACCOMMODATION, 10, required=False),
        Field("ete_hours_start", "int", required=False, high=60),
        Field("ete_hours_end", "int", required=False, high=60),
        _choice("send", r.SEND_LEVELS, 12, required=False),
        _choice("mental_health", r.NEED_LEVELS, 14, required=False),
        _choice("substance_misuse", r.NEED_LEVELS, 14, required=False),
        _choice("ete_provision_start", r.ETE_PROVISION, 24, required=False),
        _choice("ete_provision_end", r.ETE_PROVISION, 24, required=False),
    ), "order", key=("order_id",)),
    Table("interventions", "Intervention", (
        _text("intervention_id", REFERENCE_LENGTH, attribute="external_id"),
        _ref("child_ref", "children", "child"),
        _ref("order_id", "orders", "order", required=False),
        _choice("intervention_type", r.INTERVENTION_TYPES, 30),
        Field("start_date", "date"),
        Field("end_date", "date", required=False),
        Field("completed", "bool", required=False),
    ), "intervention", key=("intervention_id",)),
    Table("victims", "VictimContact", (
        _text("victim_ref", REFERENCE_LENGTH, attribute="external_id"),
        _ref("offence_id", "offences", "offence"),
        Field("contacted", "bool"),
        Field("rj_offered", "bool"),
        Field("rj_participated", "bool"),
        Field("satisfied", "bool", required=False),
    ), "victim", key=("victim_ref",)),
    Table("board", "BoardAttendance", (
        Field("meeting_date", "date"),
        _text("partner", 100),
        Field("attended", "bool"),
    ), "attendance", key=("meeting_date", "partner"), repeat="replace"),
)  # fmt: skip

# The tables of an extract, in the order they are stored (each after those it refers to).
SPEC: dict[str, Table] = {t.name: t for t in _EXTRACT}
REQUIRED_TABLES = tuple(t.name for t in _EXTRACT if t.required)

# Indicators a published comparator may be for: the youth justice ones in the registry.
COMPARABLE = tuple(d.key for d in in_groups("youth justice", "youth justice KPI"))
COMPARATORS = Table("comparators", "PublishedFigure", (
    _choice("indicator", COMPARABLE, 60),
    _text("area", 100),
    _text("period", 20),
    Field("value", "decimal", digits=(12, 3)),
), "published figure", key=("indicator", "area", "period"), repeat="replace")  # fmt: skip

POPULATION_BY_ETHNICITY = Table("population_by_ethnicity", "PopulationByEthnicity", (
    _text("area", 100),
    Field("year", "int", low=1900, high=2100),
    _choice("ethnic_group", r.ETHNIC_GROUPS, 20),
    Field("population", "int", high=2_000_000_000),
), "population figure", key=("area", "year", "ethnic_group"), repeat="replace")  # fmt: skip

ALL_TABLES = {**SPEC, **{t.name: t for t in (COMPARATORS, POPULATION_BY_ETHNICITY)}}

COLUMNS = {name: t.columns for name, t in SPEC.items()}
DATE_COLUMNS = {f.name for t in _EXTRACT for f in t.fields if f.kind in ("date", "birth")}
BOOL_COLUMNS = {f.name for t in _EXTRACT for f in t.fields if f.kind == "bool"}
INT_COLUMNS = {f.name for t in _EXTRACT for f in t.fields if f.kind == "int"}
# A month-only date of birth is recorded beside it (the date is then the 1st).
MONTH_ONLY = "birth_month_only"


def length(table: str, column: str) -> int:
    """The most characters a text or choice column holds: the model's max_length."""
    return ALL_TABLES[table].field(column).max_length
