"""Template filters for plan pages, so a RAG looks the same wherever it is shown."""

from __future__ import annotations

from django import template

from saferplan.web.plan_rows import rag_tag as tag_class

register = template.Library()


@register.filter
def rag_tag(rag: str | None) -> str:
    """The GOV.UK tag class of a RAG value: ``{{ update.rag|rag_tag }}``."""
    return tag_class(rag)
