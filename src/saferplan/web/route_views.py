"""An edition's route on its pages: record the next step, return it for changes, record a
minor amendment; and the partnership's routes, which its admins edit. Only the roles the
route names for a step may take it; every step and route change is audited (by the
services in ``editions``). Another partnership's ids answer 404 for everyone."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import Role
from saferplan.editions import steps
from saferplan.editions.models import Document, Edition
from saferplan.editions.routes import Route, RouteError, StepSpec, route_for, save_route
from saferplan.web.edition_forms import (
    AdvanceForm,
    AmendmentForm,
    ReturnForm,
    route_formset,
)
from saferplan.web.edition_lookup import visible_edition

CONFLICT = 409


def route_context(user: Any, edition: Edition, route: Route | None = None) -> dict[str, Any]:
    """Where the edition is on its route, what it has been through, and what ``user`` may do."""
    route = route or route_for(edition.document)
    at = route.position(edition.state)
    nxt = steps.next_step(edition, route)
    taken = steps.history(edition)
    return {
        "route": route,
        "route_states": [
            {"spec": s, "done": at is not None and i < at, "current": i == at}
            for i, s in enumerate(route.steps)
        ],
        "state_label": route.label(edition.state),
        "next_step": nxt,
        "can_advance": nxt is not None and permissions.can_take_step(user, nxt.roles),
        "history": taken,
        "can_amend": any(
            s.kind == s.Kind.ADVANCED and _may_take(user, route, s.to_state) for s in taken
        ),
    }


def _may_take(user: Any, route: Route, state: str) -> bool:
    spec = route.step(state)
    return spec is not None and permissions.can_take_step(user, spec.roles)


def _decision(form: AdvanceForm | ReturnForm, amendments: list[steps.Amendment]) -> steps.Decision:
    data = form.cleaned_data
    return steps.Decision(
        data["body"],
        data["meeting_date"],
        data["agenda_item"],
        data["resolution"],
        bool(data.get("key_decision")),
        amendments,
    )


@require_http_methods(["GET", "POST"])
def advance(request: HttpRequest, edition_id: int) -> HttpResponse:
    """Record the decision that moves the edition on to its next state."""
    edition = visible_edition(request, edition_id)
    route = route_for(edition.document)
    nxt = steps.next_step(edition, route)
    if nxt is None:
        raise Http404("the end of its route")
    if not permissions.can_take_step(request.user, nxt.roles):
        raise PermissionDenied
    initial = {"body": nxt.body, "state": edition.state}
    form = AdvanceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            made = [
                steps.Amendment(t, form.cleaned_data["amended_by"]) for t in form.amendment_lines()
            ]
            try:
                steps.advance(
                    edition,
                    nxt.state,
                    _decision(form, made),
                    request.user,
                    expected_state=form.cleaned_data["state"],
                )
            except steps.StepError as error:
                status = _refused(form, error)
            else:
                return redirect("edition", edition_id=edition.pk)
    context = {
        "edition": edition,
        "form": form,
        "next_step": nxt,
        "state_label": route.label(edition.state),
    }
    return render(request, "web/edition_advance.html", context, status=status)


def _refused(form: Any, error: steps.StepError) -> int:
    """The service's reason on the form; the status says which kind of refusal it was."""
    if isinstance(error, steps.NotAllowed):
        raise PermissionDenied
    form.add_error(None, f"{error.message}. {error.hint or ''}".strip())
    return CONFLICT if isinstance(error, steps.StaleState) else 400


@require_http_methods(["GET", "POST"])
def return_edition(request: HttpRequest, edition_id: int) -> HttpResponse:
    """Record the decision that sends the edition back to an earlier state for changes."""
    edition = visible_edition(request, edition_id)
    route = route_for(edition.document)
    refusing = steps.next_step(edition, route)
    earlier = route.before(edition.state)
    if refusing is None or not earlier:
        raise Http404("nothing to return it to")
    if not permissions.can_take_step(request.user, refusing.roles):
        raise PermissionDenied
    choices = [(s.state, s.label) for s in earlier]
    initial = {"body": refusing.body, "state": edition.state, "to_state": earlier[-1].state}
    form = ReturnForm(request.POST or None, initial=initial, states=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                steps.return_for_changes(
                    edition,
                    form.cleaned_data["to_state"],
                    _decision(form, []),
                    request.user,
                    expected_state=form.cleaned_data["state"],
                )
            except steps.StepError as error:
                status = _refused(form, error)
            else:
                return redirect("edition", edition_id=edition.pk)
    context = {
        "edition": edition,
        "form": form,
        "refusing": refusing,
        "state_label": route.label(edition.state),
    }
    return render(request, "web/edition_return.html", context, status=status)


@require_http_methods(["GET", "POST"])
def amendment(request: HttpRequest, edition_id: int) -> HttpResponse:
    """Record a minor amendment made later under a delegation given at one of its steps."""
    edition = visible_edition(request, edition_id)
    route = route_for(edition.document)
    allowed = [
        s
        for s in steps.history(edition)
        if s.kind == s.Kind.ADVANCED and _may_take(request.user, route, s.to_state)
    ]
    if not allowed:
        raise PermissionDenied
    choices = [(s.pk, f"{s.to_label}: {s.body}, {s.meeting_date:%d %B %Y}") for s in allowed]
    form = AmendmentForm(request.POST or None, steps=choices, initial={"step": allowed[-1].pk})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            chosen = next(s for s in allowed if s.pk == data["step"])
            try:
                steps.add_amendment(
                    chosen,
                    steps.Amendment(data["text"], data["made_by"], data["made_on"]),
                    request.user,
                )
            except steps.StepError as error:
                status = _refused(form, error)
            else:
                return redirect("edition", edition_id=edition.pk)
    return render(
        request, "web/edition_amendment.html", {"edition": edition, "form": form}, status=status
    )


def route_list(request: HttpRequest) -> HttpResponse:
    """Every kind of document's route, for the partnership's admins."""
    if not permissions.can_edit_routes(request.user):
        raise PermissionDenied
    routes = [(Document(d), route_for(d)) for d in Document.values]
    return render(request, "web/routes.html", {"routes": routes, "roles": dict(Role.choices)})


@require_http_methods(["GET", "POST"])
def route_edit(request: HttpRequest, document: str) -> HttpResponse:
    """Reorder, add or remove the steps of a route, and name who may take each (admins)."""
    if document not in Document.values:
        raise Http404
    if not permissions.can_edit_routes(request.user):
        raise PermissionDenied
    current = route_for(document)
    initial = [
        {"state": s.state, "label": s.label, "body": s.body, "roles": list(s.roles), "ORDER": i + 1}
        for i, s in enumerate(current.steps)
    ]
    formset = route_formset(request.POST or None, initial)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            asked = [
                StepSpec(
                    f.cleaned_data["state"],
                    f.cleaned_data["label"],
                    f.cleaned_data["body"],
                    tuple(f.cleaned_data["roles"]),
                )
                for f in formset.filled()
            ]
            try:
                save_route(document, asked, request.user)
            except RouteError as error:
                problems = error.problems
            else:
                return redirect("routes")
    context = {
        "document": Document(document),
        "formset": formset,
        "problems": problems,
        "route": current,
    }
    return render(request, "web/route_edit.html", context, status=status)
