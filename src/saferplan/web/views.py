"""Pages of the whole app: home, switching partnership, settings and the audit trail.

The delivery plan's pages are in ``plan_views`` and ``action_views``; permissions come
from ``accounts.permissions``; every change goes through a service, which audits it.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import AuditEvent, Organisation
from saferplan.plans.models import Action, StrategyYear
from saferplan.web.plan_rows import action_row, rag_counts
from saferplan.web.refusals import ADMIN_ONLY, require


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


def partnership_settings(request: HttpRequest) -> HttpResponse:
    """The partnership's settings, for its admins."""
    require(permissions.can_view_audit(request.user), ADMIN_ONLY)
    return render(
        request,
        "web/partnership_settings.html",
        {"organisations": [str(o) for o in Organisation.objects.all()]},
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_audit(request.user), ADMIN_ONLY)
    events = AuditEvent.objects.select_related("user")[:200]
    return render(request, "web/audit.html", {"events": events})
