"""Writing a document's sections: every save kept as history and audited, the text checked
against the safe Markdown subset, last year's text carried forward on request; and a
partnership's own templates, imported and validated. Pages and commands call these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from saferplan.accounts import audit, permissions
from saferplan.accounts.tenancy import require_partnership
from saferplan.core.errors import InputError, SaferplanError
from saferplan.documents import markdown
from saferplan.documents.context import plan_year
from saferplan.documents.models import OwnTemplate, SectionRevision
from saferplan.documents.template import KINDS, SectionSpec, Template, parse_template, shipped


class NotAllowed(SaferplanError):
    """The user's roles do not let them write this document."""


def previous_year(year: str) -> str:
    first = int(plan_year(year)[:4]) - 1
    return f"{first}-{str(first + 1)[2:]}"


def current_texts(document: str, year: str) -> dict[str, SectionRevision]:
    """Each section's latest revision (its text now), by section key."""
    latest: dict[str, SectionRevision] = {}
    for r in SectionRevision.objects.filter(document=document, year=plan_year(year)).order_by(
        "saved_at", "id"
    ):
        latest[r.section] = r
    return latest


def history(document: str, year: str, section: str) -> list[SectionRevision]:
    """Every save of the section, newest first."""
    return list(
        SectionRevision.objects.filter(document=document, year=plan_year(year), section=section)
        .select_related("saved_by", "carried_from")
        .order_by("-saved_at", "-id")
    )


def _authored(template: Template, section: str) -> SectionSpec:
    spec = template.section(section)
    if not spec.authored:
        raise SaferplanError(f"the section '{spec.heading}' is generated, not written")
    return spec


@dataclass(frozen=True)
class Saved:
    revision: SectionRevision | None  # None: the text was already this
    changed: bool


@transaction.atomic
def save_section(
    template: Template,
    year: str,
    section: str,
    text: str,
    user: Any = None,
    carried_from: SectionRevision | None = None,
    sample: bool = False,
) -> Saved:
    """Save a section's text as a new revision (audited); refused for a user whose roles do
    not own the document, or text outside the safe subset (the reasons listed)."""
    if user is not None and not permissions.can_edit_document(user, template.document):
        raise NotAllowed(f"your roles do not let you write the {template.title}")
    spec = _authored(template, section)
    text = text.replace("\r\n", "\n").strip()
    if problems := markdown.problems(text):
        raise SaferplanError(f"the text of '{spec.heading}' was not saved: " + " ".join(problems))
    year = plan_year(year)
    now = current_texts(template.document, year).get(section)
    if now is not None and now.text == text and now.sample == sample:
        return Saved(None, False)
    signed_in = getattr(user, "is_authenticated", False)
    revision = SectionRevision.objects.create(
        partnership=require_partnership(),
        document=template.document,
        year=year,
        section=section,
        text=text,
        saved_by=user if signed_in else None,
        saved_by_name=user.get_username() if signed_in else audit.cli_actor(),
        carried_from=carried_from,
        sample=sample,
    )
    what = "carried forward" if carried_from else "saved"
    audit.record(user, "created", revision, summary=f"{what} {revision}"[:300])
    return Saved(revision, True)


def carry_forward(template: Template, year: str, section: str, user: Any = None) -> Saved:
    """Start the section from last year's text (a new revision that says where it came from)."""
    _authored(template, section)
    last = current_texts(template.document, previous_year(year)).get(section)
    if last is None or not last.text:
        raise SaferplanError(
            f"there is no {previous_year(year)} text for '{template.section(section).heading}' "
            "to start from"
        )
    return save_section(
        template, year, section, last.text, user, carried_from=last, sample=last.sample
    )


def import_template(path: Path, user: Any = None) -> OwnTemplate:
    """A partnership's own template from a TOML file, validated as the shipped ones are
    (errors name the file and the line); one of the same key is replaced."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path.name, f"cannot be read as UTF-8 text ({exc})") from None
    template = parse_template(text, path.name, own=True)
    if template.key in shipped():
        raise InputError(
            path.name,
            f"the key '{template.key}' is a shipped template's",
            row=1,
            hint="Give your template a key of its own.",
        )
    with transaction.atomic():
        OwnTemplate.objects.filter(key=template.key).delete()
        own = OwnTemplate.objects.create(
            partnership=require_partnership(),
            key=template.key,
            document=template.document,
            file_name=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            text=text,
            imported_by=user.get_username()
            if getattr(user, "is_authenticated", False)
            else audit.cli_actor(),
        )
        audit.record(user, "created", own, summary=f"Imported template {own}"[:300])
    return own


def document_title(document: str) -> str:
    return KINDS[document]
