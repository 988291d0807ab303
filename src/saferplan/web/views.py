"""Pages. Permissions come from ``accounts.permissions``; changes are audited; no figures here."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from saferplan.accounts import audit, permissions
from saferplan.accounts.models import AuditEvent, Organisation
from saferplan.core.errors import SaferplanError
from saferplan.plans import exports, yearend
from saferplan.plans.measures import judged
from saferplan.plans.models import Action, Disposition, Objective, Rag, StrategyYear
from saferplan.plans.movement import MOVEMENT_HEADINGS, measure_rows
from saferplan.plans.quality import quality_flags
from saferplan.web.forms import ActionForm, ProgressUpdateForm

RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETED, Rag.NOT_STARTED, None]
RAG_TAG: dict[str | None, str] = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.COMPLETED: "govuk-tag--blue",
    Rag.NOT_STARTED: "govuk-tag--grey",
    None: "govuk-tag--grey",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _actions(year: StrategyYear) -> list[Action]:
    return list(
        Action.objects.filter(objective__priority__year=year)
        .select_related("objective__priority", "lead_organisation")
        .prefetch_related("updates")
    )


def rag_counts(actions: list[Action]) -> list[dict[str, Any]]:
    counts = Counter(a.rag() for a in actions)
    return [
        {
            "rag": r,
            "label": Rag(r).label if r else "No update",
            "count": counts.get(r, 0),
            "tag": RAG_TAG[r],
        }
        for r in RAG_ORDER
    ]


def _row(action: Action) -> dict[str, Any]:
    rag = action.rag()
    return {
        "action": action,
        "rag": rag,
        "rag_label": Rag(rag).label if rag else "No update",
        "tag": RAG_TAG[rag],
        "overdue": action.is_overdue(),
    }


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
    year = StrategyYear.objects.order_by("-label").first()
    if year and permissions.can_view_plans(request.user):
        actions = _actions(year)
        org = permissions.organisation_id(request.user)
        context.update(
            year=year,
            counts=rag_counts(actions),
            overdue=sum(a.is_overdue() for a in actions),
            total=len(actions),
            mine=[_row(a) for a in actions if org and a.lead_organisation_id == org],
        )
    return render(request, "web/home.html", context)


def plan(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_view_plans(request.user))
    actions = _actions(year)
    priorities = []
    for priority in year.priorities.all():
        objectives = []
        for objective in priority.objectives.all():
            rows = [_row(a) for a in actions if a.objective_id == objective.pk]
            measures = []
            for m in objective.measures.all():
                actuals = list(m.actuals.all())
                latest = actuals[-1] if actuals else None
                measures.append({"measure": m, "latest": latest, "judged": judged(m, latest)})
            objectives.append(
                {
                    "objective": objective,
                    "rows": rows,
                    "measures": measures,
                    "counts": rag_counts([r["action"] for r in rows]),
                }
            )
        in_priority = [a for a in actions if a.objective.priority_id == priority.pk]
        priorities.append(
            {"priority": priority, "objectives": objectives, "counts": rag_counts(in_priority)}
        )
    return render(
        request,
        "web/plan.html",
        {
            "year": year,
            "priorities": priorities,
            "counts": rag_counts(actions),
            "can_edit": permissions.can_edit_plan(request.user),
        },
    )


def overdue(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_view_plans(request.user))
    rows = [_row(a) for a in _actions(year) if a.is_overdue()]
    return render(
        request, "web/action_list.html", {"year": year, "rows": rows, "title": "Overdue actions"}
    )


def by_organisation(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_view_plans(request.user))
    groups: dict[str, list[Action]] = {}
    for a in _actions(year):
        groups.setdefault(
            a.lead_organisation.name if a.lead_organisation else "Not matched", []
        ).append(a)
    summary = [
        {"name": name, "counts": rag_counts(items), "rows": [_row(a) for a in items]}
        for name, items in sorted(groups.items())
    ]
    return render(request, "web/by_organisation.html", {"year": year, "groups": summary})


def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.select_related("objective__priority__year"), pk=action_id
    )
    _require(permissions.can_view_plans(request.user))
    return render(
        request,
        "web/action.html",
        {
            "action": action,
            "row": _row(action),
            "updates": action.updates.select_related("author"),
            "can_update": permissions.can_update_action(request.user, action),
            "can_edit": permissions.can_edit_plan(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=action_id)
    _require(permissions.can_update_action(request.user, action))
    status = 200
    if request.method == "POST":
        form = ProgressUpdateForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                locked = Action.objects.select_for_update().get(pk=action.pk)
                if locked.version != form.cleaned_data["version"]:
                    form.add_error(
                        None,
                        "Someone else updated this action while you were "
                        "editing it. Their update is shown below; check it, then "
                        "submit yours again if it is still needed.",
                    )
                    data = request.POST.copy()
                    data["version"] = str(locked.version)
                    form.data = data
                    status = 409
                else:
                    before = audit.snapshot(locked)
                    update = locked.updates.create(
                        rag=form.cleaned_data["rag"],
                        text=form.cleaned_data["text"],
                        author=request.user,  # type: ignore[misc]
                    )
                    locked.version += 1
                    locked.save(update_fields=["version"])
                    audit.record(
                        request.user,
                        "created",
                        update,
                        summary=f"Progress update on {locked}: {update.get_rag_display()}",
                    )
                    audit.record(
                        request.user,
                        "changed",
                        locked,
                        before=before,
                        summary=f"Version {locked.version} of {locked}",
                    )
                    return redirect("action", action_id=action.pk)
        else:
            status = 400
    else:
        form = ProgressUpdateForm(initial={"version": action.version})
    return render(
        request,
        "web/action_update.html",
        {"action": action, "form": form, "updates": action.updates.all()[:3]},
        status=status,
    )


def partnership_settings(request: HttpRequest) -> HttpResponse:
    """The partnership's settings, for its admins."""
    _require(permissions.can_view_audit(request.user))
    return render(
        request,
        "web/partnership_settings.html",
        {"organisations": [str(o) for o in Organisation.objects.all()]},
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_audit(request.user))
    events = AuditEvent.objects.select_related("user")[:200]
    return render(request, "web/audit.html", {"events": events})


def plan_quality(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_view_plans(request.user))
    return render(request, "web/quality.html", {"year": year, "flags": quality_flags(year)})


EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def plan_export(request: HttpRequest, year_id: int, fmt: str) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_view_plans(request.user))
    if fmt == "xlsx":
        data = exports.to_xlsx(year)
    elif fmt == "docx":
        data = exports.to_docx(year)
    elif fmt == "pdf":
        html = render(
            request,
            "web/export_print.html",
            {
                "year": year,
                "rows": exports.report_rows(year),
                "measures": measure_rows(year),
                "measure_headings": MOVEMENT_HEADINGS,
            },
        ).content.decode()
        data = exports.to_pdf(html)
    else:
        raise Http404
    response = HttpResponse(data, content_type=EXPORTS[fmt])
    name = f"progress-{year.label.replace('/', '-')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def year_end(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_object_or_404(StrategyYear, pk=year_id)
    _require(permissions.can_edit_plan(request.user))
    actions = _actions(year)
    error = ""
    if request.method == "POST":
        choices = {str(c) for c in Disposition}
        with transaction.atomic():
            for action in actions:
                value = request.POST.get(f"disposition-{action.pk}", "")
                if value in choices and value != action.disposition:
                    before = audit.snapshot(action)
                    action.disposition = value
                    action.save(update_fields=["disposition"])
                    audit.record(
                        request.user,
                        "changed",
                        action,
                        before=before,
                        summary=f"Year-end disposition of {action}: {value}",
                    )
        if request.POST.get("carry_over"):
            try:
                new = yearend.carry_over(year, request.POST.get("next_label", "").strip())
            except SaferplanError as exc:
                error = f"{exc.message}. {exc.hint or ''}"
            else:
                audit.record(request.user, "created", new, summary=f"Carried over into {new}")
                return redirect("plan", year_id=new.pk)
        actions = _actions(year)
    return render(
        request,
        "web/year_end.html",
        {
            "year": year,
            "rows": [_row(a) for a in actions],
            "choices": Disposition.choices,
            "undecided": sum(1 for a in actions if not a.disposition),
            "error": error,
            "next_label": _next_label(year.label),
        },
    )


def _next_label(label: str) -> str:
    try:
        start = int(label[:4])
    except ValueError:
        return ""
    return f"{start + 1}/{str(start + 2)[2:]}"


ACTION_FIELDS = [
    "text",
    "measures_targets",
    "review_point_text",
    "review_date",
    "lead_text",
    "lead_organisation",
]


@require_http_methods(["GET", "POST"])
def action_edit(
    request: HttpRequest, action_id: int | None = None, objective_id: int | None = None
) -> HttpResponse:
    """Edit an action, or add a new one to an objective (marked New Action)."""
    # Looked up first: another partnership's ids are not found, whoever asks.
    action = get_object_or_404(Action, pk=action_id) if action_id else None
    objective = action.objective if action else get_object_or_404(Objective, pk=objective_id)
    _require(permissions.can_edit_plan(request.user))
    organisations = Organisation.objects.filter(partnership=objective.priority.year.partnership)
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST, organisations=organisations)
        if form.is_valid():
            with transaction.atomic():
                if action is None:
                    action = Action(objective=objective, is_new=True)
                    before = None
                else:
                    action = Action.objects.select_for_update().get(pk=action.pk)
                    before = audit.snapshot(action)
                    if action.version != form.cleaned_data["version"]:
                        form.add_error(
                            None,
                            "Someone else changed this action while you were "
                            "editing it. The form now shows their version: check "
                            "it and make your change again.",
                        )
                        form = ActionForm(
                            initial={
                                **{f: getattr(action, f) for f in ACTION_FIELDS},
                                "version": action.version,
                            },
                            organisations=organisations,
                        )
                        form.is_bound = False
                        return render(
                            request,
                            "web/action_edit.html",
                            {
                                "form": form,
                                "objective": objective,
                                "action": action,
                                "conflict": True,
                            },
                            status=409,
                        )
                for field in ACTION_FIELDS:
                    setattr(action, field, form.cleaned_data[field])
                action.version = (action.version or 0) + (1 if before else 0)
                action.save()
                audit.record(
                    request.user,
                    "changed" if before else "created",
                    action,
                    before=before,
                    summary=f"{'Edited' if before else 'Added'} {action}",
                )
            return redirect("action", action_id=action.pk)
        status = 400
    else:
        initial = (
            {**{f: getattr(action, f) for f in ACTION_FIELDS}, "version": action.version}
            if action
            else {"version": 0}
        )
        form = ActionForm(initial=initial, organisations=organisations)
    return render(
        request,
        "web/action_edit.html",
        {"form": form, "objective": objective, "action": action},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def measure_actual(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Record a typed-in actual (computed measures refresh from the crime data instead)."""
    from saferplan.plans.models import Measure, MeasureActual
    from saferplan.web.forms import MeasureActualForm

    measure = get_object_or_404(
        Measure.objects.select_related("objective__priority"), pk=measure_id
    )
    _require(permissions.can_edit_plan(request.user))
    if measure.computed:
        raise PermissionDenied("This measure's actuals come from the crime data.")
    form = MeasureActualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actual, created = MeasureActual.objects.update_or_create(
            measure=measure,
            period=form.cleaned_data["period"],
            defaults={
                "value": form.cleaned_data["value"],
                "computed": False,
                "provenance": f"typed in by {request.user}",
            },
        )
        audit.record(
            request.user,
            "created" if created else "changed",
            actual,
            summary=f"Actual for {measure}: {actual.value} in {actual.period}",
        )
        return redirect("plan", year_id=measure.objective.priority.year_id)
    return render(
        request,
        "web/measure_actual.html",
        {"measure": measure, "form": form},
        status=400 if request.method == "POST" else 200,
    )
