"""The YJB key performance indicators (from April 2023) and the cohort profile, from records.

Pure functions over the tables described in ``records.py``; each KPI is an
:class:`~saferplan.youthjustice.indicators.Indicator` (numerator, denominator, value, unit)
so every figure can be re-derived. Definitions, as implemented here:

- The KPI cohort is every supervised **order that ended in the period** (closed orders:
  the YJB asks about children's circumstances at the start and end of an order).
- **Suitable accommodation**: % of closed orders with the child in suitable accommodation
  at the start, and at the end (orders with the status recorded).
- **ETE**: % in suitable education, training or employment at the start and at the end: at
  least 25 hours a week under 16 (statutory school age), 16 hours a week at 16-17 (age at
  the order's start or end).
- **SEND**: % of closed orders whose child has special educational needs or a disability
  identified; of those, % with a formal plan (EHCP) and % in suitable ETE at the end.
- **Mental health and emotional wellbeing**, **substance misuse**: of the children
  screened, % with a need identified; of those with a need, % receiving support for it.
- **Out-of-court disposals**: % of out-of-court disposals that ended in the period and
  were completed successfully.
- **Management board attendance**: % of partner places at board meetings in the period
  that were attended.
- **Wider services**: % of closed orders whose child was looked after, on a child
  protection plan, a child in need or receiving early help at any time during the order
  (and each of those separately).
- **Serious violence**: proven offences of violence against the person, robbery or drugs
  with a gravity score of 5 or more, first proven in the period, per 10,000 children aged
  10-17.
- **Victims**: of victims of offences proven in the period, % contacted; of those
  contacted, % offered restorative justice; of those offered, % who took part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from saferplan.youthjustice.indicators import Indicator, _ratio, age_at, member
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

KPI_LABELS = {
    "kpi_accommodation_start": "Suitable accommodation, start of order",
    "kpi_accommodation_end": "Suitable accommodation, end of order",
    "kpi_ete_start": "Suitable ETE, start of order",
    "kpi_ete_end": "Suitable ETE, end of order",
    "kpi_send_identified": "SEND identified",
    "kpi_send_with_plan": "SEND: with a formal plan (EHCP)",
    "kpi_send_in_suitable_ete": "SEND: in suitable ETE at the end",
    "kpi_mental_health_need": "Mental health or emotional wellbeing need",
    "kpi_mental_health_supported": "Mental health need: receiving support",
    "kpi_substance_misuse_need": "Substance misuse need",
    "kpi_substance_misuse_supported": "Substance misuse need: receiving support",
    "kpi_out_of_court_completed": "Out-of-court disposals completed",
    "kpi_board_attendance": "Management board attendance",
    "kpi_wider_services": "Known to wider services during the order",
    "kpi_wider_services_looked_after": "Wider services: looked after",
    "kpi_wider_services_child_protection": "Wider services: child protection plan",
    "kpi_wider_services_child_in_need": "Wider services: child in need",
    "kpi_wider_services_early_help": "Wider services: early help",
    "kpi_serious_violence": "Proven serious violence offences",
    "kpi_victims_contacted": "Victims contacted",
    "kpi_victims_offered_rj": "Victims contacted: offered restorative justice",
    "kpi_victims_took_part_rj": "Victims offered restorative justice: took part",
}
# Needs identified and children known to other services are context, not targets.
NO_DIRECTION = {
    "kpi_mental_health_need",
    "kpi_substance_misuse_need",
    "kpi_send_identified",
    "kpi_wider_services",
    "kpi_wider_services_looked_after",
    "kpi_wider_services_child_protection",
    "kpi_wider_services_child_in_need",
    "kpi_wider_services_early_help",
}


# Which way is good: lower for every national indicator and for serious violence.
LOWER_IS_BETTER = {
    "first_time_entrants",
    "use_of_custody",
    "remand_episodes_yda",
    "remand_nights_yda",
    "reoffending_binary_rate",
    "reoffences_per_child",
    "reoffences_per_reoffender",
    "kpi_serious_violence",
}


def direction(indicator: str) -> str:
    """Which way is good for an indicator: 'lower', 'higher' or '' (context only)."""
    if indicator in LOWER_IS_BETTER:
        return "lower"
    if indicator in NO_DIRECTION or indicator not in KPI_LABELS:
        return ""
    return "higher"


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
    return _ratio(key, label, numerator, int(known.sum()), "%", 100)


def kpis(
    tables: dict[str, pd.DataFrame],
    start: date,
    end: date,
    label: str,
    population_10_17: int,
) -> list[Indicator]:
    """Every KPI for the period, in the order the YJB lists them."""
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

    board = tables["board"]
    in_period = board[_between(board["meeting_date"], start, end)]
    rows.append(_share("kpi_board_attendance", label, in_period["attended"].astype(bool)))

    known = _known_to_services(closed, tables["statuses"])
    rows.append(_share("kpi_wider_services", label, known.any(axis=1)))
    for service in STATUS_TYPES:
        rows.append(_share(f"kpi_wider_services_{service}", label, known[service]))

    proven = first_proof(tables)
    rows.append(serious_violence(tables, start, end, label, population_10_17, proven))
    rows += victims(tables, start, end, label, proven)
    return rows


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
    return _ratio(
        "kpi_serious_violence", label, len(sv), population_10_17, "per 10,000 aged 10-17", 10_000
    )


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
    dimension: str
    category: str
    count: int  # children; offences or interventions where the dimension says so
    percent: float | None

    @property
    def label(self) -> str:
        return value_label(self.category)


PROFILE_DIMENSIONS = {
    "reoffending": "Likelihood of reoffending",
    "serious_harm": "Risk of serious harm",
    "safety_wellbeing": "Safety and wellbeing",
    "intervention_level": "Intervention level",
}


def caseload(tables: dict[str, pd.DataFrame], start: date, end: date) -> pd.Series:
    """Children with an order open at any time in the period."""
    orders = tables["orders"]
    open_in_period = _overlaps(orders["start_date"], orders["end_date"], start, end)
    return pd.Series(orders.loc[open_in_period, "child_ref"].unique())


def profile(tables: dict[str, pd.DataFrame], start: date, end: date) -> list[ProfileRow]:
    """The caseload in the period: each child's latest assessment (ratings and intervention
    level), offence types of offences in the period, NEET at 16-17, interventions started in
    the period, and children known to children's services. Percentages are of the children
    (or offences, or interventions) with the item recorded."""
    refs = caseload(tables, start, end)
    rows: list[ProfileRow] = []
    # Offences and interventions are counted as such; every other count is of children.

    def add(dimension: str, counts: pd.Series, order: list[str] | None = None) -> None:
        total = int(counts.sum())
        for category in order or list(counts.index):
            n = int(counts.get(category, 0))
            rows.append(ProfileRow(dimension, category, n, n / total * 100 if total else None))

    a = tables["assessments"]
    a = a[
        member(a["child_ref"], refs) & (pd.to_datetime(a["assessment_date"]) <= pd.Timestamp(end))
    ]
    latest = a.sort_values(["assessment_date", "assessment_id"]).drop_duplicates(
        "child_ref", keep="last"
    )
    for column, title in PROFILE_DIMENSIONS.items():
        levels = INTERVENTION_LEVELS if column == "intervention_level" else RISK_LEVELS
        add(title, latest[column].value_counts(), list(levels))

    offences = tables["offences"]
    in_period = offences[
        member(offences["child_ref"], refs) & _between(offences["offence_date"], start, end)
    ]
    add("Offence type (offences in the period)", in_period["offence_type"].value_counts())

    orders = tables["orders"]
    orders = orders[member(orders["child_ref"], refs) & orders["ete_hours_start"].notna()]
    orders = orders[["child_ref", "start_date", "ete_hours_start"]].merge(
        tables["children"][["child_ref", "date_of_birth"]], on="child_ref"
    )
    orders = orders.sort_values("start_date").drop_duplicates("child_ref", keep="last")
    older = orders[age_at(orders["date_of_birth"], orders["start_date"]) >= 16]
    neet = pd.to_numeric(older["ete_hours_start"]) == 0
    add(
        "NEET at 16-17 (latest order's start)",
        pd.Series({"NEET": int(neet.sum()), "In ETE": int((~neet).sum())}),
    )
    latest = tables["orders"]
    latest = latest[member(latest["child_ref"], refs) & latest["ete_provision_start"].notna()]
    latest = latest.sort_values("start_date").drop_duplicates("child_ref", keep="last")
    provision = latest["ete_provision_start"].value_counts()
    add(
        "ETE provision (latest order's start)",
        provision,
        [p for p in ETE_PROVISION if p in provision.index],
    )

    interventions = tables["interventions"]
    started = interventions[
        member(interventions["child_ref"], refs) & _between(interventions["start_date"], start, end)
    ]
    kinds = started["intervention_type"].value_counts()
    add(
        "Interventions started in the period",
        kinds,
        [t for t in INTERVENTION_TYPES if t in kinds.index],
    )

    statuses = tables["statuses"]
    active = statuses[
        member(statuses["child_ref"], refs)
        & _overlaps(statuses["start_date"], statuses["end_date"], start, end)
    ]
    known = active.groupby("status")["child_ref"].nunique()
    for status in STATUS_TYPES:
        n = int(known.get(status, 0))
        rows.append(
            ProfileRow(
                "Known to children's services",
                status,
                n,
                n / len(refs) * 100 if len(refs) else None,
            )
        )
    any_known = active["child_ref"].nunique()
    rows.append(
        ProfileRow(
            "Known to children's services",
            "any",
            any_known,
            any_known / len(refs) * 100 if len(refs) else None,
        )
    )
    return rows
