"""The YJB key performance indicators (from April 2023) and the cohort profile, from records.

Pure functions over the tables of ``files.SPEC``; each KPI is an
:class:`~saferplan.youthjustice.indicators.Indicator` (numerator, denominator, value, unit)
so every figure can be re-derived. The KPI cohort is every supervised order that ended in
the period. Each KPI's and profile figure's definition, unit and direction of good are
declared once in the indicator registry (``saferplan definitions``); the thresholds the
definitions name are in ``records.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from saferplan.core.rounding import scaled_ratio
from saferplan.indicators.registry import get as definition
from saferplan.youthjustice.indicators import Indicator, age_at, member, ratio
from saferplan.youthjustice.records import (
    ETE_PROVISION,
    INTERVENTION_LEVELS,
    INTERVENTION_TYPES,
    OUT_OF_COURT_TYPES,
    PROVEN_TYPES,
    RISK_LEVELS,
    SERIOUS_VIOLENCE_GRAVITY,
    SERIOUS_VIOLENCE_TYPES,
    STATUS_TYPES,
    SUITABLE_ETE_HOURS_ABOVE_SCHOOL_AGE,
    SUITABLE_ETE_HOURS_SCHOOL_AGE,
    value_label,
)


def _between(values: pd.Series, start: date, end: date) -> pd.Series:
    values = pd.to_datetime(values)
    return (values >= pd.Timestamp(start)) & (values <= pd.Timestamp(end))


def _overlaps(first: Any, last: Any, start: Any, end: Any) -> pd.Series:
    """Spans [first, last] (last empty = still open) that meet the span [start, end]."""
    last = pd.to_datetime(last)
    return (pd.to_datetime(first) <= pd.to_datetime(end)) & (
        last.isna() | (last >= pd.to_datetime(start))
    )


def closed_orders(
    orders: pd.DataFrame, children: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    """Orders that ended in the period, with the child's date of birth."""
    closed = orders[_between(orders["end_date"], start, end)]
    return closed.merge(children[["child_ref", "date_of_birth"]], on="child_ref", how="left")


def suitable_ete(hours: pd.Series, dob: pd.Series, when: pd.Series) -> pd.Series:
    """True/False where hours are recorded (NA otherwise), by the age-dependent threshold."""
    needed = (
        age_at(dob, when)
        .lt(16)
        .map({True: SUITABLE_ETE_HOURS_SCHOOL_AGE, False: SUITABLE_ETE_HOURS_ABOVE_SCHOOL_AGE})
    )
    hours = pd.to_numeric(hours, errors="coerce")
    return (hours >= needed).astype("boolean").where(hours.notna())


def _share(key: str, label: str, mask: pd.Series, known: pd.Series | None = None) -> Indicator:
    """% of rows where ``mask`` holds, among rows where ``known`` holds (default: all)."""
    known = pd.Series(True, index=mask.index) if known is None else known.astype(bool)
    numerator = int((mask.fillna(False).astype(bool) & known).sum())
    return ratio(key, label, numerator, int(known.sum()))


def kpis(
    tables: dict[str, pd.DataFrame],
    start: date,
    end: date,
    label: str,
    population_10_17: int,
    board_meetings: pd.DataFrame | None = None,
    extract: str = "",
) -> list[Indicator]:
    """Every KPI for the period, in the order the YJB lists them (``board_meetings`` and
    ``extract``: see :func:`board_attendance`)."""
    children, orders = tables["children"], tables["orders"]
    closed = closed_orders(orders, children, start, end)
    rows: list[Indicator] = []

    for when in ("start", "end"):
        status = closed[f"accommodation_{when}"]
        rows.append(
            _share(f"kpi_accommodation_{when}", label, status == "suitable", status.notna())
        )
    ete = {
        when: suitable_ete(
            closed[f"ete_hours_{when}"], closed["date_of_birth"], closed[f"{when}_date"]
        )
        for when in ("start", "end")
    }
    for when, suitable in ete.items():
        rows.append(_share(f"kpi_ete_{when}", label, suitable, suitable.notna()))

    send = closed["send"]
    identified = send.isin(["identified", "ehcp"])
    rows += [
        _share("kpi_send_identified", label, identified, send.notna()),
        _share("kpi_send_with_plan", label, send == "ehcp", identified),
        _share("kpi_send_in_suitable_ete", label, ete["end"], identified & ete["end"].notna()),
    ]
    for need in ("mental_health", "substance_misuse"):
        value = closed[need]
        screened = value.notna() & (value != "not_screened")
        has_need = value.isin(["need_unmet", "need_supported"])
        rows += [
            _share(f"kpi_{need}_need", label, has_need, screened),
            _share(f"kpi_{need}_supported", label, value == "need_supported", has_need),
        ]

    oocd = closed[closed["order_type"].isin(OUT_OF_COURT_TYPES)]
    completed = oocd["completed"]
    rows.append(_share("kpi_out_of_court_completed", label, completed.eq(True), completed.notna()))

    rows.append(board_attendance(tables["board"], start, end, label, board_meetings, extract))

    known = _known_to_services(closed, tables["statuses"])
    rows.append(_share("kpi_wider_services", label, known.any(axis=1)))
    for service in STATUS_TYPES:
        rows.append(_share(f"kpi_wider_services_{service}", label, known[service]))

    proven = first_proof(tables)
    rows.append(serious_violence(tables, start, end, label, population_10_17, proven))
    rows += victims(tables, start, end, label, proven)
    return rows


def board_attendance(
    board: pd.DataFrame,
    start: date,
    end: date,
    label: str,
    recorded: pd.DataFrame | None = None,
    extract: str = "",
) -> Indicator:
    """Partner places at management board meetings in the period, % attended: from the
    meetings the partnership recorded in saferplan (``recorded``, the same columns as the
    extract's ``board`` table) when it recorded any in the period, else from the extract
    (``extract`` says which file and when). The figure says which it used."""
    imported = board[_between(board["meeting_date"], start, end)]
    if recorded is not None and len(recorded):
        in_period = recorded[_between(recorded["meeting_date"], start, end)]
        source = attendance_source(in_period["meeting_date"].nunique(), len(imported), extract)
    else:
        in_period = imported
        source = attendance_source(0, len(imported), extract)
    found = _share("kpi_board_attendance", label, in_period["attended"].astype(bool))
    return replace(found, source=source)


def attendance_source(meetings: int, imported_places: int, extract: str) -> str:
    """What the board attendance figure says of its records: meeting records when there
    are any (and that they win over the extract's places for the period), else the extract."""
    if meetings:
        said = f"from meeting records ({meetings} meeting{'' if meetings == 1 else 's'})"
        if imported_places:
            said += (
                f"; the imported extract's {imported_places} places in the period are not "
                "used, as meeting records win"
            )
        return said
    if not imported_places:
        return "no board meeting in the period, recorded or imported"
    return f"from the imported extract ({extract})" if extract else "from the imported extract"


def _known_to_services(closed: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """One row per closed order, one boolean column per status: any overlap with the order."""
    pairs = closed[["order_id", "child_ref", "start_date", "end_date"]].merge(
        statuses.rename(columns={"start_date": "s_start", "end_date": "s_end"}), on="child_ref"
    )
    overlap = _overlaps(pairs["s_start"], pairs["s_end"], pairs["start_date"], pairs["end_date"])
    hits = pairs[overlap].groupby(["order_id", "status"]).size().unstack(fill_value=0) > 0
    hits = hits.reindex(columns=list(STATUS_TYPES), fill_value=False)
    return hits.reindex(closed["order_id"], fill_value=False).set_axis(closed.index)


def first_proof(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each proven offence with the date of its first caution or conviction."""
    outcomes = tables["outcomes"]
    proven = outcomes[outcomes["outcome_type"].isin(PROVEN_TYPES)]
    first = proven.groupby("offence_id", as_index=False)["outcome_date"].min()
    offences = tables["offences"]
    if first["offence_id"].dtype != offences["offence_id"].dtype:
        first["offence_id"] = first["offence_id"].astype(offences["offence_id"].dtype)
    return offences.merge(first, on="offence_id")


def serious_violence(
    tables: dict[str, pd.DataFrame],
    start: date,
    end: date,
    label: str,
    population_10_17: int,
    proven: pd.DataFrame | None = None,
) -> Indicator:
    """``proven``: :func:`first_proof` of the same tables, if already computed."""
    proven = first_proof(tables) if proven is None else proven
    sv = proven[
        proven["offence_type"].isin(SERIOUS_VIOLENCE_TYPES)
        & (proven["gravity"].astype(int) >= SERIOUS_VIOLENCE_GRAVITY)
        & _between(proven["outcome_date"], start, end)
    ]
    return ratio("kpi_serious_violence", label, len(sv), population_10_17)


def victims(
    tables: dict[str, pd.DataFrame],
    start: date,
    end: date,
    label: str,
    proven: pd.DataFrame | None = None,
) -> list[Indicator]:
    proven = first_proof(tables) if proven is None else proven
    in_period = proven.loc[_between(proven["outcome_date"], start, end), "offence_id"]
    v = tables["victims"]
    v = v[member(v["offence_id"], in_period).to_numpy()]
    contacted = v["contacted"].astype(bool)
    offered = v["rj_offered"].astype(bool)
    return [
        _share("kpi_victims_contacted", label, contacted),
        _share("kpi_victims_offered_rj", label, offered, contacted),
        _share("kpi_victims_took_part_rj", label, v["rj_participated"].astype(bool), offered),
    ]


@dataclass(frozen=True)
class ProfileRow:
    key: str  # the figure's key in the indicator registry
    category: str
    count: int  # children; offences or interventions where the figure says so
    percent: float | None  # rounded half-up as the registry says

    @property
    def dimension(self) -> str:
        return definition(self.key).label

    @property
    def label(self) -> str:
        return value_label(self.category)


# The AssetPlus ratings the profile shows: column -> (registry key, levels in order).
PROFILE_RATINGS = {
    "reoffending": ("profile_reoffending", RISK_LEVELS),
    "serious_harm": ("profile_serious_harm", RISK_LEVELS),
    "safety_wellbeing": ("profile_safety_wellbeing", RISK_LEVELS),
    "intervention_level": ("profile_intervention_level", INTERVENTION_LEVELS),
}


def caseload(tables: dict[str, pd.DataFrame], start: date, end: date) -> pd.Series:
    """Children with an order open at any time in the period."""
    orders = tables["orders"]
    open_in_period = _overlaps(orders["start_date"], orders["end_date"], start, end)
    return pd.Series(orders.loc[open_in_period, "child_ref"].unique())


def _percent(key: str, n: int, total: int) -> float | None:
    return float(scaled_ratio(n, total, 100, definition(key).decimals)) if total else None


def _shares(key: str, counts: pd.Series, order: Sequence[str] | None = None) -> list[ProfileRow]:
    """A row per category (in ``order``, else as counted), each as a share of them all."""
    total = int(counts.sum())
    return [
        ProfileRow(key, category, int(counts.get(category, 0)),
                   _percent(key, int(counts.get(category, 0)), total))
        for category in (list(counts.index) if order is None else order)
    ]  # fmt: skip


def _present(order: Sequence[str], counts: pd.Series) -> list[str]:
    return [c for c in order if c in counts.index]


def profile(tables: dict[str, pd.DataFrame], start: date, end: date) -> list[ProfileRow]:
    """The caseload in the period: each child's latest assessment (ratings and intervention
    level), offence types of offences in the period, NEET at 16-17 and ETE provision at the
    latest order's start, interventions started in the period, and children known to
    children's services (registry: the ``profile_*`` figures)."""
    refs = caseload(tables, start, end)
    rows = _ratings(tables["assessments"], refs, end)

    offences = tables["offences"]
    in_period = offences[
        member(offences["child_ref"], refs) & _between(offences["offence_date"], start, end)
    ]
    rows += _shares("profile_offence_type", in_period["offence_type"].value_counts())
    rows += _ete(tables, refs)

    interventions = tables["interventions"]
    started = interventions[
        member(interventions["child_ref"], refs) & _between(interventions["start_date"], start, end)
    ]
    kinds = started["intervention_type"].value_counts()
    rows += _shares("profile_interventions", kinds, _present(INTERVENTION_TYPES, kinds))
    return rows + _childrens_services(tables["statuses"], refs, start, end)


def _ratings(assessments: pd.DataFrame, refs: pd.Series, end: date) -> list[ProfileRow]:
    """Each child's latest assessment by the end of the period."""
    a = assessments[
        member(assessments["child_ref"], refs)
        & (pd.to_datetime(assessments["assessment_date"]) <= pd.Timestamp(end))
    ]
    latest = a.sort_values(["assessment_date", "assessment_id"]).drop_duplicates(
        "child_ref", keep="last"
    )
    rows: list[ProfileRow] = []
    for column, (key, levels) in PROFILE_RATINGS.items():
        rows += _shares(key, latest[column].value_counts(), levels)
    return rows


def _ete(tables: dict[str, pd.DataFrame], refs: pd.Series) -> list[ProfileRow]:
    """NEET at 16-17, and the ETE provision, at the start of each child's latest order."""
    orders = tables["orders"]
    orders = orders[member(orders["child_ref"], refs) & orders["ete_hours_start"].notna()]
    orders = orders[["child_ref", "start_date", "ete_hours_start"]].merge(
        tables["children"][["child_ref", "date_of_birth"]], on="child_ref"
    )
    orders = orders.sort_values("start_date").drop_duplicates("child_ref", keep="last")
    older = orders[age_at(orders["date_of_birth"], orders["start_date"]) >= 16]
    neet = pd.to_numeric(older["ete_hours_start"]) == 0
    rows = _shares(
        "profile_neet", pd.Series({"NEET": int(neet.sum()), "In ETE": int((~neet).sum())})
    )
    latest = tables["orders"]
    latest = latest[member(latest["child_ref"], refs) & latest["ete_provision_start"].notna()]
    latest = latest.sort_values("start_date").drop_duplicates("child_ref", keep="last")
    provision = latest["ete_provision_start"].value_counts()
    return rows + _shares("profile_ete_provision", provision, _present(ETE_PROVISION, provision))


def _childrens_services(
    statuses: pd.DataFrame, refs: pd.Series, start: date, end: date
) -> list[ProfileRow]:
    """Children of the caseload known to each service in the period, and to any, as a share
    of the caseload (a child known to two counts in both)."""
    active = statuses[
        member(statuses["child_ref"], refs)
        & _overlaps(statuses["start_date"], statuses["end_date"], start, end)
    ]
    known = active.groupby("status")["child_ref"].nunique()
    counts = {status: int(known.get(status, 0)) for status in STATUS_TYPES}
    counts["any"] = int(active["child_ref"].nunique())
    key = "profile_childrens_services"
    return [ProfileRow(key, s, n, _percent(key, n, len(refs))) for s, n in counts.items()]
