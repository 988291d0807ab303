"""An action's pages: its history (with earlier years'), recording progress, editing it,
and typed-in actuals of outcome measures. Writes go through ``plans.service``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import Organisation
from saferplan.core.errors import SaferplanError
from saferplan.plans import service
from saferplan.plans.models import Action, Measure, Objective
from saferplan.web.forms import ActionForm, MeasureActualForm, ProgressUpdateForm
from saferplan.web.plan_rows import action_row
from saferplan.web.refusals import EDIT_PLAN, UPDATE_ACTION, VIEW_PLANS, require


def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.select_related("objective__priority__year", "carried_from"), pk=action_id
    )
    require(permissions.can_view_plans(request.user), VIEW_PLANS)
    earlier = [
        {"action": a, "year": a.objective.priority.year, "updates": a.updates.all()}
        for a in action.earlier_years()
    ]
    return render(
        request,
        "web/action.html",
        {
            "action": action,
            "row": action_row(action),
            "updates": action.updates.select_related("author"),
            "earlier": earlier,
            "later": action.carried_to.select_related("objective__priority__year"),
            "can_update": permissions.can_update_action(request.user, action),
            "can_edit": permissions.can_edit_plan(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=action_id)
    back = reverse("action", args=[action.pk])
    require(permissions.can_update_action(request.user, action), UPDATE_ACTION, back)
    status = 200
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None, initial={"version": action.version}
    )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                service.record_progress(
                    request.user,
                    action,
                    rag=form.cleaned_data["rag"],
                    text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                )
            except service.Conflict as exc:
                form.add_error(None, exc.message)
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form.data = data
                status = 409
            else:
                return redirect("action", action_id=action.pk)
    return render(
        request,
        "web/action_update.html",
        {"action": action, "form": form, "updates": action.updates.all()[:3]},
        status=status,
    )


def _action_form(
    action: Action | None, objective: Objective, organisations: object, data: object = None
) -> ActionForm:
    """The form, offering the plan year's measures and the tags (the action's own too)."""
    choices = {
        "organisations": organisations,
        "measures": Measure.objects.filter(objective__priority__year=objective.priority.year_id)
        .select_related("objective")
        .order_by("objective__order", "id"),
        "tags": list(action.tags or []) if action else [],
    }
    if data is not None:
        return ActionForm(data, **choices)  # type: ignore[arg-type]
    initial: dict[str, Any] = {"version": 0}
    if action:
        initial = {f: getattr(action, f) for f in service.ACTION_FIELDS}
        # As the field reads it back: the template would show a date object as "31 Mar 2020".
        initial["review_date"] = action.review_date.isoformat() if action.review_date else ""
        initial |= {"version": action.version, "tags": action.tags or [],
                    "measures": list(action.measures.all())}  # fmt: skip
    return ActionForm(initial=initial, **choices)  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
def action_edit(
    request: HttpRequest, action_id: int | None = None, objective_id: int | None = None
) -> HttpResponse:
    """Edit an action, or add a new one to an objective (marked New Action)."""
    # Looked up first: another partnership's ids are not found, whoever asks.
    action = get_object_or_404(Action, pk=action_id) if action_id else None
    objective = action.objective if action else get_object_or_404(Objective, pk=objective_id)
    back = (
        reverse("action", args=[action.pk])
        if action
        else reverse("plan", args=[objective.priority.year_id])
    )
    require(permissions.can_edit_plan(request.user), EDIT_PLAN, back)
    organisations = Organisation.objects.filter(partnership=objective.priority.year.partnership)
    status, conflict = 200, False
    posted = request.POST if request.method == "POST" else None
    form = _action_form(action, objective, organisations, posted)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = service.save_action(
                    request.user,
                    form.cleaned_data,
                    version=form.cleaned_data["version"],
                    action=action,
                    objective=objective,
                )
            except service.Conflict as exc:
                # The form now shows their version, to be changed again.
                form = _action_form(exc.current, objective, organisations)
                status, conflict = 409, True
            except SaferplanError as exc:  # a measure of another year (a crafted form)
                form.add_error(None, exc.message)
            else:
                return redirect("action", action_id=saved.pk)
    return render(
        request,
        "web/action_edit.html",
        {"form": form, "objective": objective, "action": action, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def measure_actual(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Record a typed-in actual (computed measures refresh from the crime data instead)."""
    measure = get_object_or_404(
        Measure.objects.select_related("objective__priority"), pk=measure_id
    )
    back = reverse("plan", args=[measure.objective.priority.year_id])
    require(permissions.can_edit_plan(request.user), EDIT_PLAN, back)
    require(
        not measure.computed,
        "This measure's actuals come from the crime data: they are "
        "refreshed from the imports, not typed in.",
        back,
    )
    form = MeasureActualForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        service.record_actual(
            request.user, measure, form.cleaned_data["period"], form.cleaned_data["value"]
        )
        return redirect("plan", year_id=measure.objective.priority.year_id)
    return render(
        request,
        "web/measure_actual.html",
        {"measure": measure, "form": form},
        status=400 if request.method == "POST" else 200,
    )
