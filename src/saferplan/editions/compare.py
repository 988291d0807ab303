"""Comparing two editions of a document: read both (each file's hash checked first) and
hand their bundles, inputs and text to the pure comparisons (``differences``, ``textdiff``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from saferplan.core.errors import SaferplanError
from saferplan.editions import differences, textdiff
from saferplan.editions.models import Edition
from saferplan.editions.store import read_file

BUNDLE = "figures.json"


@dataclass(frozen=True)
class Comparison:
    old: Edition
    new: Edition
    figures: list[differences.FigureChange]
    text: list[textdiff.SectionChange]
    text_source: str  # "authored" (the bundle's Markdown), "html" or "" (no text to compare)

    def groups(self) -> list[tuple[str, list[differences.FigureChange]]]:
        found: dict[str, list[differences.FigureChange]] = {}
        for change in self.figures:
            found.setdefault(change.group, []).append(change)
        return list(found.items())


def inputs_of(edition: Edition) -> differences.Inputs:
    """The parameters (with the period and the edition's variant) and the imports."""
    parameters = {"period": edition.period, "edition": edition.edition, **edition.parameters}
    return differences.Inputs(parameters, list(edition.imports))


def _file(edition: Edition, suffix: str) -> bytes | None:
    wanted = [
        f
        for f in edition.files.all()
        if f.name == suffix or (suffix.startswith(".") and f.name.endswith(suffix))
    ]
    return read_file(wanted[0]) if wanted else None


def _bundle(edition: Edition) -> Any:
    data = _file(edition, BUNDLE)
    if data is None:
        return {}
    try:
        return json.loads(data)
    except ValueError:
        raise SaferplanError(f"edition {edition.pk}: {BUNDLE} is not JSON") from None


def _html_text(edition: Edition) -> list[textdiff.Section] | None:
    html = _file(edition, ".html")
    return textdiff.html_sections(html) if html is not None else None


def _text(
    old: Edition, new: Edition, old_bundle: Any, new_bundle: Any
) -> tuple[list[textdiff.SectionChange], str]:
    """The authored text where both bundles hold it, else both documents as their pages read."""
    old_authored = textdiff.authored_sections(old_bundle)
    new_authored = textdiff.authored_sections(new_bundle)
    if old_authored is not None and new_authored is not None:
        return textdiff.text_changes(old_authored, new_authored), "authored"
    pages = _html_text(old), _html_text(new)
    if pages[0] is None or pages[1] is None:
        return [], ""
    return textdiff.text_changes(pages[0], pages[1]), "html"


def compare(old: Edition, new: Edition) -> Comparison:
    """What changed from ``old`` to ``new`` (two editions of one kind of document)."""
    if old.document != new.document:
        raise SaferplanError(
            f"edition {old.pk} is a {old.get_document_display()} and edition {new.pk} a "
            f"{new.get_document_display()}: compare editions of one kind of document"
        )
    old_bundle, new_bundle = _bundle(old), _bundle(new)
    figures = differences.figure_changes(old_bundle, new_bundle, inputs_of(old), inputs_of(new))
    text, source = _text(old, new, old_bundle, new_bundle)
    return Comparison(old, new, figures, text, source)


def previous_of(edition: Edition) -> Edition | None:
    """The edition before it of the same document and period (public with public,
    restricted with restricted), the default to compare it with."""
    earlier = Edition.objects.filter(
        document=edition.document, period=edition.period, pk__lt=edition.pk
    ).order_by("-pk")
    return next((e for e in earlier if e.restricted == edition.restricted), None)
