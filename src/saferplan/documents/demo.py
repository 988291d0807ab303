"""The demo's plans: sample text for every written section of its Youth Justice Plan and
Community Safety Plan, saved as sample (every page and printed plan says so), so that both
build from the demo partnership's data without anyone writing first."""

from __future__ import annotations

from typing import Any

DEMO_YEAR = "2019-20"
DEMO_DOCUMENTS = ("youth-justice-plan", "community-safety-plan")

# Words for some sections; the others get a sentence naming what the author would write.
SAMPLES = {
    ("youth-justice-plan", "introduction"): (
        "This plan sets out how the partnership will keep children out of the justice "
        "system and help those in it to thrive. In the year it looks back on, "
        "{{ fte.count }} children entered the youth justice system for the first time "
        "({{ fte.rate }} per 100,000 children aged 10-17), which was {{ fte.change }} than "
        "the year before.\n\n- **Child first**: we see children as children.\n"
        "- We work with families, schools and partners."
    ),
    ("youth-justice-plan", "risks-to-delivery"): (
        "The main risks are the reoffending of a small group of children "
        "({{ reoffending.rate }} of the cohort reoffended) and the cost of remands."
    ),
    ("community-safety-plan", "strategy"): (
        "Our strategy is to reduce reoffending, crime and disorder and to combat substance "
        "misuse, working with the responsible authorities and our communities."
    ),
    ("community-safety-plan", "engagement"): (
        "We consulted residents through ward panels and an online survey. This plan is "
        "published on the council's website, with a summary in plain English."
    ),
}


def _sample(document: str, key: str, heading: str) -> str:
    return SAMPLES.get(
        (document, key),
        f"*Sample text.* Here the partnership describes its {heading.lower()}: what it has "
        "done, what it will do, and who leads.",
    )


def load_demo_text(year: str = DEMO_YEAR) -> int:
    """Save sample text (marked as sample) into every written section that has none, for
    the partnership in scope; return how many sections were written."""
    from saferplan.documents.service import current_texts, save_section
    from saferplan.documents.template import choose

    written = 0
    for document in DEMO_DOCUMENTS:
        template = choose(document, year)
        have = current_texts(document, year)
        for spec in template.sections:
            if spec.authored and spec.key not in have:
                text = _sample(document, spec.key, spec.heading)
                save_section(template, year, spec.key, text, sample=True)
                written += 1
    return written


def build_demo_documents(out: Any, year: str = DEMO_YEAR) -> list[Any]:
    """Build a draft of each demo document into ``out``/<document> (kept as editions)."""
    from saferplan.documents.build import build_document

    return [build_document(d, year, out / d) for d in DEMO_DOCUMENTS]
