"""The partnership's plan years, for everyone who reads plans: each opens its plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferplan.accounts import permissions
from saferplan.plans.models import Action, StrategyYear
from saferplan.web.plan_rows import rag_counts


def plan_years(request: HttpRequest) -> HttpResponse:
    """Every plan year of the partnership, newest first, with its actions' RAG ratings."""
    if not permissions.can_view_plans(request.user):
        raise PermissionDenied
    years = list(StrategyYear.objects.order_by("-label"))
    actions: dict[int, list[Action]] = {year.pk: [] for year in years}
    for action in Action.objects.select_related("objective__priority").prefetch_related("updates"):
        actions[action.objective.priority.year_id].append(action)
    rows: list[dict[str, Any]] = [
        {"year": y, "actions": len(actions[y.pk]), "counts": rag_counts(actions[y.pk])}
        for y in years
    ]
    return render(request, "web/plan_years.html", {"rows": rows})
