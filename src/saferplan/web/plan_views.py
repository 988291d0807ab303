"""A delivery plan's pages: the plan, its roll-ups, checks, exports, year end and leads.

Views only handle HTTP: they look the object up (another partnership's is not found),
check the permission, and hand cleaned values to ``plans.service``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import Organisation
from saferplan.core.errors import SaferplanError
from saferplan.plans import exports, service
from saferplan.plans.leads import LeadMatcher
from saferplan.plans.measures import called_out, judged
from saferplan.plans.models import Action, Objective, StrategyYear
from saferplan.plans.movement import MOVEMENT_HEADINGS, measure_rows
from saferplan.plans.quality import quality_flags
from saferplan.web.forms import LeadForm, YearEndForm
from saferplan.web.plan_rows import action_row, rag_counts
from saferplan.web.refusals import EDIT_PLAN, VIEW_PLANS, require
from saferplan.web.views import plan_actions


def _year(request: HttpRequest, year_id: int, edit: bool = False) -> StrategyYear:
    """The plan (looked up first: another partnership's is not found), if the user may."""
    year = get_object_or_404(StrategyYear, pk=year_id)
    require(permissions.can_view_plans(request.user), VIEW_PLANS)
    if edit:
        require(permissions.can_edit_plan(request.user), EDIT_PLAN, reverse("plan", args=[year.pk]))
    return year


def _other_years(year: StrategyYear) -> list[StrategyYear]:
    return list(StrategyYear.objects.exclude(pk=year.pk).order_by("-label"))


def _objectives(year: StrategyYear) -> list[Objective]:
    """Every objective of a plan with its measures and their actuals, in three queries."""
    return list(
        Objective.objects.filter(priority__year=year)
        .select_related("parent")
        .prefetch_related("measures__actuals")
    )


def _objective_block(objective: Objective, rows: list[dict[str, Any]]) -> dict[str, Any]:
    measures = []
    for m in objective.measures.all():
        actuals = list(m.actuals.all())
        latest = actuals[-1] if actuals else None
        measures.append({"measure": m, "latest": latest, "judged": judged(m, latest),
                         "callouts": called_out(m, actuals)})  # fmt: skip
    counts = rag_counts(r["action"] for r in rows)
    return {"objective": objective, "rows": rows, "measures": measures, "counts": counts}


def plan(request: HttpRequest, year_id: int) -> HttpResponse:
    """The whole plan: a fixed number of queries however many actions and objectives."""
    year = _year(request, year_id)
    actions = plan_actions(year)
    rows_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    actions_of: dict[int, list[Action]] = defaultdict(list)
    for a in actions:
        rows_of[a.objective_id].append(action_row(a))
        actions_of[a.objective.priority_id].append(a)
    objectives_of: dict[int, list[Objective]] = defaultdict(list)
    for o in _objectives(year):
        objectives_of[o.priority_id].append(o)
    priorities = [
        {
            "priority": priority,
            "objectives": [_objective_block(o, rows_of[o.pk]) for o in objectives_of[priority.pk]],
            "counts": rag_counts(actions_of[priority.pk]),
        }
        for priority in year.priorities.all()
    ]
    can_edit = permissions.can_edit_plan(request.user)
    unmatched = sum(1 for a in actions if a.lead_organisation_id is None and a.lead_text)
    return render(
        request,
        "web/plan.html",
        {
            "year": year,
            "priorities": priorities,
            "counts": rag_counts(actions),
            "can_edit": can_edit,
            "other_years": _other_years(year),
            "unmatched": unmatched,
        },
    )


def overdue(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year(request, year_id)
    rows = [action_row(a) for a in plan_actions(year) if a.is_overdue()]
    return render(
        request, "web/action_list.html", {"year": year, "rows": rows, "title": "Overdue actions"}
    )


def by_organisation(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year(request, year_id)
    groups: dict[str, list[Any]] = {}
    for a in plan_actions(year):
        name = a.lead_organisation.name if a.lead_organisation else "Not matched"
        groups.setdefault(name, []).append(a)
    summary = [
        {"name": name, "counts": rag_counts(items), "rows": [action_row(a) for a in items]}
        for name, items in sorted(groups.items())
    ]
    return render(request, "web/by_organisation.html", {"year": year, "groups": summary})


def plan_quality(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year(request, year_id)
    return render(request, "web/quality.html", {"year": year, "flags": quality_flags(year)})


EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def plan_export(request: HttpRequest, year_id: int, fmt: str) -> HttpResponse:
    year = _year(request, year_id)
    if fmt == "xlsx":
        data = exports.to_xlsx(year)
    elif fmt == "docx":
        data = exports.to_docx(year)
    elif fmt == "pdf":
        context = {
            "year": year,
            "objectives": exports.report_by_objective(year),
            "measures": measure_rows(year),
            "measure_headings": MOVEMENT_HEADINGS,
        }
        html = render(request, "web/export_print.html", context).content.decode()
        data = exports.to_pdf(html)
    else:
        raise Http404
    response = HttpResponse(data, content_type=EXPORTS[fmt])
    name = f"progress-{year.label.replace('/', '-')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def year_end(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year(request, year_id, edit=True)
    actions = plan_actions(year)
    status = 200
    form = YearEndForm(request.POST if request.method == "POST" else None, actions=actions)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            carry_into = form.cleaned_data["next_label"] if form.carrying else None
            try:
                new = service.year_end(
                    request.user, year, form.chosen(), form.versions(), carry_into
                )
            except service.Conflict as exc:
                form.add_error(None, f"{exc.message} ({exc.current})")
                status = 409
            except SaferplanError as exc:
                form.add_error("next_label", f"{exc.message[:1].upper()}{exc.message[1:]}")
            else:
                if new is not None:
                    return redirect("plan", year_id=new.pk)
                messages.success(request, "Dispositions saved.")
                return redirect("year_end", year_id=year.pk)
    rows = [{**action_row(a), "field": form[f"disposition-{a.pk}"]} for a in actions]
    return render(
        request,
        "web/year_end.html",
        {
            "year": year,
            "form": form,
            "rows": rows,
            "undecided": sum(1 for a in actions if not a.disposition),
            "next_label": _next_label(year.label),
        },
        status=status,
    )


def _next_label(label: str) -> str:
    try:
        start = int(label[:4])
    except ValueError:
        return ""
    return f"{start + 1}/{str(start + 2)[2:]}"


@require_http_methods(["GET", "POST"])
def plan_leads(request: HttpRequest, year_id: int) -> HttpResponse:
    """The plan's leads that match no organisation, each to be settled by a plan editor."""
    year = _year(request, year_id, edit=True)
    organisations = Organisation.objects.all()
    form = LeadForm(request.POST if request.method == "POST" else None, organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            lead, org = form.cleaned_data["lead"], form.cleaned_data["organisation"]
            try:
                settled = service.settle_lead(request.user, year, lead, org)
            except SaferplanError as exc:
                form.add_error(None, f"{exc.message[:1].upper()}{exc.message[1:]}.")
            else:
                messages.success(
                    request,
                    f"'{lead}' is now {org}'s: {len(settled)} action"
                    f"{'' if len(settled) == 1 else 's'} updated.",
                )
                return redirect("plan_leads", year_id=year.pk)
    leads = LeadMatcher.current().summary(a.lead_text for a in plan_actions(year))
    return render(
        request,
        "web/leads.html",
        {
            "year": year,
            "form": form,
            "organisations": organisations,
            "unmatched": [m for m in leads if m.organisation is None and m.lead],
            "blank": sum(m.actions for m in leads if not m.lead),
            "matched": [m for m in leads if m.organisation is not None],
        },
        status=status,
    )
