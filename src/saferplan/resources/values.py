"""Values as resource and risk files write them, read exactly: amounts (``£677,994``, blank
for none), financial years, FTE, ratings, dates, and the controlled lists (agencies as the
YJB's Table 1 names them, contracts, sex, ethnic group, risk status) with the aliases plans
print. Pure: no Django, so the readers and the table functions are tested without one.

Each ``*_of`` function returns the value a text stands for, or None when it stands for none;
the readers turn None into an error naming the file, row and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from saferplan.core.csvcheck import quoted
from saferplan.core.errors import SaferplanError

PENCE = Decimal("0.01")
# The largest amount kept (DecimalField(max_digits=14, decimal_places=2)).
MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT = re.compile(r"£?\s*(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<pence>[0-9]*))?")
_NEGATIVE = re.compile(r"-\s*£?\s*[0-9,.]+|\(\s*£?\s*[0-9,.]+\s*\)")


def parse_amount(text: str) -> Decimal | None:
    """An amount in pounds, pence-exact: ``£677,994``, ``677994``, ``1,234.50``; blank is 0.

    None for anything else (words beside the number, a negative, a third decimal place),
    so a cell that is not simply an amount is refused, never half read.
    """
    cleaned = text.strip()
    if not cleaned:
        return Decimal("0.00")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or len(match.group("pence") or "") > 2:
        return None
    value = Decimal(match.group("pounds").replace(",", "") + "." + (match.group("pence") or "0"))
    return value.quantize(PENCE) if value <= MAX_AMOUNT else None


def amount_problem(text: str) -> str:
    """Why ``text`` is not an amount, in words for a message."""
    cleaned = text.strip()
    if cleaned in ("-", "–", "—", "n/a", "N/A", "nil", "Nil"):
        return f"{quoted(cleaned)} is not an amount: leave the cell blank for none"
    if _NEGATIVE.fullmatch(cleaned):
        return f"{quoted(cleaned)} is negative: a contribution or cost is 0 or more"
    if any(c.isdigit() and not c.isascii() for c in cleaned):
        return f"{quoted(cleaned)} is not an amount (write numbers with the digits 0-9)"
    match = _AMOUNT.fullmatch(cleaned)
    if match is not None and len(match.group("pence") or "") > 2:
        return f"{quoted(cleaned)} has more than two decimal places (pence)"
    if match is not None:
        return f"{quoted(cleaned)} is too large (at most £{MAX_AMOUNT:,})"
    if _AMOUNT.match(cleaned) and re.search("[A-Za-z]", cleaned):
        return f"{quoted(cleaned)} holds more than an amount: put words in the note column"
    return f"{quoted(cleaned)} is not an amount in pounds (e.g. £677,994 or 677994.50)"


def format_money(value: Decimal) -> str:
    """£677,994, or £1,234.50 when there are pence: for people (files keep 677994.00)."""
    if value == value.to_integral():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


def amount_text(value: Decimal) -> str:
    """An amount as machine-readable text, pence-exact: 677994.00."""
    return f"{value.quantize(PENCE):f}"


_YEAR = re.compile(r"(?:FY\s*)?([0-9]{4})\s*[-/–]\s*([0-9]{2}|[0-9]{4})", re.IGNORECASE)


def financial_year(value: object) -> str:
    """A financial year as saferplan keeps it, ``2019-20``, from ``2019-20``, ``2019/20``,
    ``2019/2020``, ``FY2019-20`` or the year it starts in (``2019``)."""
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{4}", text):
        start = int(text)
        return f"{start}-{(start + 1) % 100:02d}"
    match = _YEAR.fullmatch(text)
    if match is not None:
        start, end = int(match.group(1)), int(match.group(2))
        if end == start + 1 or end == (start + 1) % 100:
            return f"{start}-{(start + 1) % 100:02d}"
    raise SaferplanError(
        f"{quoted(text)} is not a financial year",
        hint="Write it like 2019-20 (April 2019 to March 2020).",
    )


def year_label(year: str) -> str:
    """2019-20 as documents print it: 2019/20."""
    return year.replace("-", "/")


def parse_date(text: str) -> date | None:
    """A date written 2019-08-01 or 01/08/2019 (day first, as in England and Wales)."""
    cleaned = text.strip()
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    return None


_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?|\.[0-9]{1,2}")


def parse_fte(text: str) -> Decimal | None:
    """Full-time equivalent of one post: more than 0, at most 1, two decimal places."""
    cleaned = text.strip()
    if not _DECIMAL.fullmatch(cleaned):
        return None
    value = Decimal(cleaned)
    return value.quantize(PENCE) if 0 < value <= 1 else None


def parse_rating(text: str) -> int | None:
    """A likelihood or impact from 1 to 5."""
    cleaned = text.strip()
    return int(cleaned) if re.fullmatch(r"[1-5]", cleaned) else None


YES, NO = ("yes", "y", "true", "1", "vacant"), ("no", "n", "false", "0", "")


def parse_yes_no(text: str) -> bool | None:
    cleaned = text.strip().lower()
    return True if cleaned in YES else False if cleaned in NO else None


def folded(text: str) -> str:
    """Lower case, dashes as hyphens, runs of spaces as one: how labels are compared."""
    text = re.sub(r"[‐‑‒–—−]", "-", text.lower())
    return " ".join(text.split())


# -- agencies (the YJB's Table 1) ------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    key: str
    label: str  # as the YJB's budget table ("Table 1") names the row
    aliases: tuple[str, ...]  # what plans print, compared case-insensitively


AGENCIES = (
    Agency("local_authority", "Local authority", ("local authority", "la", "council")),
    Agency("police", "Police", ("police service", "police", "police force",
                                "metropolitan police", "metropolitan police service")),
    Agency("probation", "Probation", ("national probation service", "probation service",
                                      "probation", "nps", "hmpps")),
    Agency("health", "Health", ("health service", "health", "nhs", "ccg", "icb",
                                "clinical commissioning group", "integrated care board")),
    Agency("pcc", "Police and crime commissioner", (
        "police and crime commissioner", "pcc", "opcc", "mopac",
        "mayor's office for policing and crime")),
    Agency("yjb_grant", "YJB youth justice grant", (
        "yjb youth justice grant", "youth justice grant", "yjb grant",
        "yjb good practice grant", "good practice grant", "yjb")),
    Agency("other", "Other", ("other",)),
)  # fmt: skip
AGENCY = {a.key: a for a in AGENCIES}
YJB_GRANT = "yjb_grant"
_ALIASES = sorted(((alias, a) for a in AGENCIES for alias in a.aliases), key=lambda p: -len(p[0]))
# After an agency's name, a label may go on to say more: "Health Service - YJLD worker",
# "Police service (2 x FTE Police Officers)". A word is not more ("Police and Crime ...").
_MORE = re.compile(r"\s*[-(:,/;+]")
_INCLUDES_GRANT = re.compile(
    r"\binclud\w*\b.*\b(yjb|youth justice grant|good practice grant)\b", re.IGNORECASE
)


def agency_of(label: str) -> Agency | None:
    """The agency a budget line's label names: ``Health Service - jointly funded CAMHS p/t
    post`` is Health, ``YJB Youth Justice Grant (Provisional)`` the grant."""
    text = folded(label)
    for alias, agency in _ALIASES:
        if text == alias or (text.startswith(alias) and _MORE.match(text[len(alias) :])):
            return agency
    return None


def agency_hint() -> str:
    return (
        "Agencies: " + ", ".join(a.label for a in AGENCIES) + " (a plan's own wording may "
        "follow, e.g. 'Health service - CAMHS post')."
    )


def says_it_includes_the_grant(text: str) -> bool:
    """A line other than the grant's that says the grant is in it ("including YJB grant")."""
    return bool(_INCLUDES_GRANT.search(text))


# -- staffing --------------------------------------------------------------------------------

CONTRACTS = (
    ("permanent", "Permanent"),
    ("fixed_term", "Fixed term"),
    ("agency", "Agency"),
    ("secondee", "Secondee"),
    ("commissioned", "Commissioned"),
    ("not_recorded", "Not recorded"),
)
CONTRACT_LABEL = dict(CONTRACTS)
_CONTRACT_WORDS = {
    "permanent": "permanent", "perm": "permanent",
    "fixed term": "fixed_term", "fixed term contract": "fixed_term", "ftc": "fixed_term",
    "agency": "agency", "temporary": "agency", "interim": "agency", "locum": "agency",
    "secondee": "secondee", "secondment": "secondee", "seconded": "secondee",
    "commissioned": "commissioned", "outsourced": "commissioned", "contracted": "commissioned",
    "": "not_recorded", "not recorded": "not_recorded", "not known": "not_recorded",
}  # fmt: skip
_PART_TIME = re.compile(r"\b(part[ -]?time|p/t|pt)\b")


def contract_of(text: str) -> tuple[str, bool] | None:
    """(contract, part time) from ``Permanent``, ``Permanent - PT``, ``Agency – PT``,
    ``Secondment``, ``Part time`` (contract not recorded)."""
    text = folded(text)
    part_time = bool(_PART_TIME.search(text))
    rest = " ".join(re.sub(r"[^a-z ]", " ", _PART_TIME.sub(" ", text)).split())
    contract = _CONTRACT_WORDS.get(rest)
    return None if contract is None else (contract, part_time)


SEXES = (("female", "Female"), ("male", "Male"), ("other", "Other"),
         ("not_recorded", "Not recorded"))  # fmt: skip
SEX_LABEL = dict(SEXES)
_SEX_WORDS = {
    "f": "female", "female": "female", "woman": "female",
    "m": "male", "male": "male", "man": "male",
    "x": "other", "other": "other", "non-binary": "other", "non binary": "other",
    "": "not_recorded", "not recorded": "not_recorded", "not known": "not_recorded",
    "prefer not to say": "not_recorded", "not stated": "not_recorded",
}  # fmt: skip


def sex_of(text: str) -> str | None:
    return _SEX_WORDS.get(folded(text))


def lookalike_letters(text: str) -> str:
    """Letters of another script that look Latin ('М', Cyrillic), for a message: the
    staffing list of 004 typed 'M' five times as a Cyrillic letter."""
    odd = [c for c in text if c.isalpha() and not c.isascii()]
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in odd}
    if not odd or not scripts & {"CYRILLIC", "GREEK"}:
        return ""
    letters = ", ".join(f"'{c}' U+{ord(c):04X}" for c in odd[:3])
    return f" (it is written with {letters}, of another script than the Latin one)"


# ONS 2021 high-level groups, as the youth justice records use them.
ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other", "Not known")
_NOT_KNOWN = {"", "not known", "unknown", "not stated", "not recorded", "prefer not to say",
              "refused", "information not yet obtained"}  # fmt: skip
# Looked for in this order: "Black British" is Black, "British Asian" Asian, "White and
# Black Caribbean" Mixed.
_GROUP_WORDS = (
    ("Mixed", r"\bmixed\b|\bmultiple\b|\bwhite and\b"),
    ("Asian", r"\basian\b|\bindian\b|\bpakistani\b|\bbangladeshi\b|\bchinese\b"),
    ("Black", r"\bblack\b|\bafrican\b|\bcaribbean\b"),
    ("White", r"\bwhite\b|\birish\b|\bgypsy\b|\btraveller\b|\broma\b|\benglish\b|\bwelsh\b"
              r"|\bscottish\b|\bbritish\b"),
    ("Other", r"\barab\b|\bother\b"),
)  # fmt: skip


def ethnic_group_of(text: str) -> str | None:
    """The ONS high-level group an ethnicity as written belongs to: ``White – Australian``
    White, ``Black/British/Caribbean`` Black, ``British Asian`` Asian."""
    text = folded(text)
    if text in _NOT_KNOWN:
        return "Not known"
    for group, pattern in _GROUP_WORDS:
        if re.search(pattern, text):
            return group
    return None


# -- risks -----------------------------------------------------------------------------------

RISK_STATUSES = (("open", "Open"), ("closed", "Closed"))
RISK_STATUS_LABEL = dict(RISK_STATUSES)
_STATUS_WORDS = {"": "open", "open": "open", "active": "open", "live": "open",
                 "current": "open", "closed": "closed", "retired": "closed",
                 "resolved": "closed", "archived": "closed"}  # fmt: skip


def risk_status_of(text: str) -> str | None:
    return _STATUS_WORDS.get(folded(text))


# What each rating means, for forms and help (a 5 x 5 matrix as councils' registers use).
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Insignificant", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
