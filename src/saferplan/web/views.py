"""Pages of the whole app: home and switching partnership.

The delivery plan's pages are in ``plan_views`` and ``action_views``, the plan years in
``year_views``, settings and members in ``admin_views``, the audit trail in
``audit_views``; permissions come from ``accounts.permissions``; every change goes through
a service, which audits it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.governance.home import overdue_for
from saferplan.plans.models import Action, StrategyYear
from saferplan.web.plan_rows import action_row, rag_counts


def plan_actions(year: StrategyYear) -> list[Action]:
    """Every action of a plan, with what its rows show, in two queries."""
    return list(
        Action.objects.filter(objective__priority__year=year)
        .select_related("objective__priority", "lead_organisation")
        .prefetch_related("updates")
    )


@require_http_methods(["POST"])
def switch_partnership(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's partnerships (only theirs: any other id is a 404)."""
    from saferplan.accounts import tenancy

    try:
        chosen = int(request.POST.get("partnership", ""))
    except ValueError:
        raise Http404 from None
    if not tenancy.choose(request, chosen):
        raise Http404
    return redirect("home")


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"roles": sorted(permissions.roles(request.user))}
    context.update(overdue_for(request.user))  # governance: what the person owns is overdue
    years = list(StrategyYear.objects.order_by("-label"))
    if years and permissions.can_view_plans(request.user):
        year = years[0]
        actions = plan_actions(year)
        org = permissions.organisation_id(request.user)
        context.update(
            year=year,
            earlier=years[1:],
            counts=rag_counts(actions),
            overdue=sum(a.is_overdue() for a in actions),
            total=len(actions),
            mine=[action_row(a) for a in actions if org and a.lead_organisation_id == org],
        )
    return render(request, "web/home.html", context)
