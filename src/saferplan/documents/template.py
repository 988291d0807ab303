"""Document templates declared as data: an ordered list of sections, one file per document
kind and guidance year.

Each section has a heading, whether it is required, guidance for its author, and its
content: text people write, generated blocks (named tables, charts and lists from
saferplan's data), or both. A template may list the requirements its document must meet
(the Community Safety Plan's s6 (a)-(f)) and which sections meet each. The shipped
templates are TOML files beside this module; a partnership may add its own, validated the
same way, every error naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from saferplan.core.errors import InputError, NotFoundError

SHIPPED = Path(__file__).with_name("shipped")
KINDS = {
    "youth-justice-plan": "Youth Justice Plan",
    "community-safety-plan": "Community Safety Plan",
    "knife-crime-action-plan": "Knife Crime Action Plan",
}
CONTENT = ("text", "blocks", "both")
KEY = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
_TEMPLATE_FIELDS = {"key", "document", "title", "guidance", "applies_from"}
_TEMPLATE_REQUIRED = ("key", "document", "title", "guidance", "applies_from")
_SECTION_FIELDS = {"key", "heading", "required", "guidance", "content", "blocks", "covers"}
_SECTION_REQUIRED = ("key", "heading", "required", "guidance", "content")
_REQUIREMENT_FIELDS = {"key", "text"}


@dataclass(frozen=True)
class BlockUse:
    """A generated block as a section names it: the block's name and its parameters."""

    name: str
    params: tuple[tuple[str, str], ...] = ()

    def param(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str
    required: bool
    guidance: str
    content: str  # text | blocks | both
    blocks: tuple[BlockUse, ...] = ()
    covers: tuple[str, ...] = ()  # keys of the template's requirements this section meets

    @property
    def authored(self) -> bool:
        return self.content in ("text", "both")


@dataclass(frozen=True)
class Requirement:
    key: str
    text: str


@dataclass(frozen=True)
class Template:
    key: str
    document: str
    title: str
    guidance: str
    applies_from: int  # the first plan year (its starting year) the guidance applies to
    sections: tuple[SectionSpec, ...]
    requirements: tuple[Requirement, ...] = ()
    source: str = ""  # the file it was read from
    own: bool = False  # a partnership's own template, not a shipped one

    def section(self, key: str) -> SectionSpec:
        for s in self.sections:
            if s.key == key:
                return s
        raise NotFoundError(
            f"the {self.title} template '{self.key}' has no section '{key}'",
            hint=f"Its sections: {', '.join(s.key for s in self.sections)}.",
        )


class _Lines:
    """Where each section and field begins in the file, for errors that name the line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: dict[str, list[int]] = {}
        for n, line in enumerate(self.lines, start=1):
            if m := re.match(r"^\s*\[\[?\s*([a-z_]+)\s*\]\]?", line):
                self.tables.setdefault(m.group(1), []).append(n)

    def of(self, table: str, index: int = 0, name: str | None = None) -> int | None:
        starts = self.tables.get(table, [])
        if index >= len(starts):
            return None
        start = starts[index]
        if name is None:
            return start
        following = [n for ns in self.tables.values() for n in ns if n > start]
        end = min(following, default=len(self.lines) + 1)
        for n in range(start + 1, end):
            if re.match(rf"^\s*{re.escape(name)}\s*=", self.lines[n - 1]):
                return n
        return start


def parse_template(text: str, where: str, own: bool = False) -> Template:
    """A template from its TOML text; ``where`` names the file in every error."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(
            where, f"not valid TOML ({exc})", row=int(line.group(1)) if line else None
        ) from None
    lines = _Lines(text)
    head = _table(raw, "template", where, lines)
    template = _head(head, where, lines)
    requirements = _requirements(raw.get("requirement", []), where, lines)
    sections = _sections(raw.get("section", []), where, lines, {r.key for r in requirements})
    unknown = set(raw) - {"template", "section", "requirement"}
    if unknown:
        raise InputError(where, f"unknown table [{', '.join(sorted(unknown))}]", row=1)
    _check_coverage(requirements, sections, where, lines)
    return Template(
        **template,
        sections=tuple(sections),
        requirements=tuple(requirements),
        source=where,
        own=own,
    )


def _table(raw: dict[str, Any], name: str, where: str, lines: _Lines) -> dict[str, Any]:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise InputError(
            where,
            f"there is no [{name}] table",
            row=1,
            hint="A template starts with [template]: key, document, title, "
            "guidance and applies_from.",
        )
    return value


def _fields(
    values: dict[str, Any],
    allowed: set[str],
    required: tuple[str, ...],
    what: str,
    where: str,
    at: Any,
) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise InputError(
            where,
            f"{what} has an unknown field '{unknown[0]}'",
            row=at(unknown[0]),
            hint=f"Fields: {', '.join(sorted(allowed))}.",
        )
    for name in required:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputError(where, f"{what} has no {name}", row=at(None))


def _head(head: dict[str, Any], where: str, lines: _Lines) -> dict[str, Any]:
    def at(name: str | None) -> int | None:
        return lines.of("template", 0, name)

    _fields(head, _TEMPLATE_FIELDS, _TEMPLATE_REQUIRED, "[template]", where, at)
    for name in ("key", "document", "title", "guidance"):
        if not isinstance(head[name], str):
            raise InputError(where, f"[template] {name} must be text", row=at(name))
    if not KEY.match(head["key"]):
        raise InputError(
            where,
            f"the key '{head['key']}' is not lower-case letters, digits and hyphens",
            row=at("key"),
        )
    if head["document"] not in KINDS:
        raise InputError(
            where,
            f"'{head['document']}' is not a document saferplan builds",
            row=at("document"),
            hint=f"Documents: {', '.join(KINDS)}.",
        )
    year = head["applies_from"]
    if not isinstance(year, int) or not 1998 <= year <= 2100:
        raise InputError(where, "applies_from must be a year, e.g. 2024", row=at("applies_from"))
    return {
        "key": head["key"],
        "document": head["document"],
        "title": head["title"].strip(),
        "guidance": head["guidance"].strip(),
        "applies_from": year,
    }


def _requirements(raw: Any, where: str, lines: _Lines) -> list[Requirement]:
    out: list[Requirement] = []
    for i, spec in enumerate(raw if isinstance(raw, list) else []):

        def at(name: str | None, i: int = i) -> int | None:
            return lines.of("requirement", i, name)

        _fields(spec, _REQUIREMENT_FIELDS, ("key", "text"), f"requirement {i + 1}", where, at)
        if spec["key"] in {r.key for r in out}:
            raise InputError(where, f"requirement '{spec['key']}' is declared twice", row=at("key"))
        out.append(Requirement(str(spec["key"]), str(spec["text"]).strip()))
    return out


def _sections(raw: Any, where: str, lines: _Lines, requirements: set[str]) -> list[SectionSpec]:
    if not isinstance(raw, list) or not raw:
        raise InputError(where, "the template has no [[section]]", row=1)
    out: list[SectionSpec] = []
    for i, spec in enumerate(raw):

        def at(name: str | None, i: int = i) -> int | None:
            return lines.of("section", i, name)

        what = f"section {i + 1} ({spec.get('key', 'no key')})"
        _fields(spec, _SECTION_FIELDS, _SECTION_REQUIRED, what, where, at)
        key = spec["key"]
        if not isinstance(key, str) or not KEY.match(key):
            raise InputError(
                where,
                f"{what}: the key is not lower-case letters, digits and hyphens",
                row=at("key"),
            )
        if key in {s.key for s in out}:
            raise InputError(where, f"section '{key}' is declared twice", row=at("key"))
        if not isinstance(spec["required"], bool):
            raise InputError(where, f"{what}: required must be true or false", row=at("required"))
        if spec["content"] not in CONTENT:
            raise InputError(
                where, f"{what}: content must be one of {', '.join(CONTENT)}", row=at("content")
            )
        blocks = _block_uses(spec.get("blocks", []), f"{what}: blocks", where, at("blocks"))
        if spec["content"] != "text" and not blocks:
            raise InputError(
                where, f"{what}: content '{spec['content']}' needs blocks", row=at("content")
            )
        if spec["content"] == "text" and blocks:
            raise InputError(
                where, f"{what}: content 'text' takes no blocks (use 'both')", row=at("blocks")
            )
        covers = spec.get("covers", [])
        if not isinstance(covers, list) or any(c not in requirements for c in covers):
            raise InputError(
                where,
                f"{what}: covers names a requirement the template does not "
                f"declare ({', '.join(sorted(requirements)) or 'none'})",
                row=at("covers"),
            )
        out.append(
            SectionSpec(
                key,
                str(spec["heading"]).strip(),
                spec["required"],
                str(spec["guidance"]).strip(),
                spec["content"],
                blocks,
                tuple(covers),
            )
        )
    return out


def _block_uses(raw: Any, what: str, where: str, line: int | None) -> tuple[BlockUse, ...]:
    from saferplan.documents.blocks import registry

    known = registry()
    if not isinstance(raw, list):
        raise InputError(where, f"{what} must be a list", row=line)
    uses = []
    for item in raw:
        if isinstance(item, str):
            name, params = item, {}
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            params = {k: v for k, v in item.items() if k != "name"}
            name = item["name"]
        else:
            raise InputError(where, f"{what}: each block is a name or {{ name = ... }}", row=line)
        if name not in known:
            raise InputError(
                where,
                f"{what}: there is no block '{name}'",
                row=line,
                hint="saferplan documents blocks lists them.",
            )
        allowed = set(known[name].params)
        if bad := sorted(set(params) - allowed) or [
            k for k, v in params.items() if not isinstance(v, str)
        ]:
            raise InputError(
                where,
                f"{what}: block '{name}' takes no parameter '{bad[0]}' "
                f"(it takes: {', '.join(sorted(allowed)) or 'none'})",
                row=line,
            )
        uses.append(BlockUse(name, tuple(sorted(params.items()))))
    return tuple(uses)


def _check_coverage(
    requirements: list[Requirement], sections: list[SectionSpec], where: str, lines: _Lines
) -> None:
    covered = {c for s in sections for c in s.covers}
    for i, r in enumerate(requirements):
        if r.key not in covered:
            raise InputError(
                where, f"no section covers requirement '{r.key}'", row=lines.of("requirement", i)
            )


@cache
def shipped() -> dict[str, Template]:
    """The templates saferplan ships, by key."""
    out = {}
    for path in sorted(SHIPPED.glob("*.toml")):
        template = parse_template(path.read_text(encoding="utf-8"), path.name)
        out[template.key] = template
    return out


def available(document: str) -> list[Template]:
    """The shipped templates of a document kind and the partnership's own (in scope),
    newest guidance first."""
    from saferplan.documents.models import OwnTemplate

    found = [t for t in shipped().values() if t.document == document]
    found += [t.template() for t in OwnTemplate.objects.filter(document=document)]
    return sorted(found, key=lambda t: (-t.applies_from, t.own, t.key))


def start_year(year: str) -> int:
    """The plan year's first calendar year: 2019 for 2019-20 or 2019/20."""
    from saferplan.core.periods import parse_period

    return parse_period(year).first.year


def choose(document: str, year: str, key: str | None = None) -> Template:
    """The template ``key``, else the one whose guidance was in force for ``year``: the
    partnership's own where it has one, else the newest shipped one that applies."""
    if document not in KINDS:
        raise NotFoundError(
            f"there is no document '{document}'", hint=f"Documents: {', '.join(KINDS)}."
        )
    candidates = available(document)
    if key:
        for t in candidates:
            if t.key == key:
                return t
        raise NotFoundError(
            f"there is no {KINDS[document]} template '{key}'",
            hint=f"Templates: {', '.join(t.key for t in candidates)}.",
        )
    first = start_year(year)
    applying = [t for t in candidates if t.applies_from <= first]
    if not applying:
        raise NotFoundError(
            f"no {KINDS[document]} template applies to {year}", hint="Give one with --template."
        )
    own = [t for t in applying if t.own]
    return (own or applying)[0]
