"""Consultation pages for the partnership's staff: questionnaires (built, published, their
single-use links), their results (tabulated, charted, CSV and Excel), the respondents who
consented to be contacted, and consultation events. Everyone in the partnership reads
results and events; analysts and admins build, invite, see contacts and log events."""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from saferplan.accounts import audit, permissions
from saferplan.governance import charts, exports, forms, reading, services, tables
from saferplan.governance.models import (
    ConsultationEvent,
    Questionnaire,
    QuestionnaireItem,
    Response,
)
from saferplan.web.governance_views import CONTENT_TYPES, _require, edit_page


def consultations(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_governance(request.user))
    today = timezone.localdate()
    return render(
        request,
        "governance/consultations.html",
        {
            "questionnaires": [
                (q, q.is_open(today), q.responses.count()) for q in Questionnaire.objects.all()
            ],
            "events": tables.consultation_events(reading.events()),
            "event_objects": ConsultationEvent.objects.order_by("held_on", "id"),
            "can_edit": permissions.can_edit_questionnaires(request.user),
        },
    )


def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_view_governance(request.user))
    editor = permissions.can_edit_questionnaires(request.user)
    invitations = q.invitations.all()
    return render(
        request,
        "governance/questionnaire.html",
        {
            "q": q,
            "items": q.items.all(),
            "open": q.is_open(),
            "responses": q.responses.count(),
            "open_url": request.build_absolute_uri(reverse("answer", args=[q.slug])),
            "invited": invitations.count(),
            "unused": invitations.filter(used_at__isnull=True).count(),
            "can_edit": editor,
        },
    )


@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, questionnaire_id: int | None = None) -> HttpResponse:
    q = (
        get_object_or_404(Questionnaire, pk=questionnaire_id)
        if questionnaire_id
        else Questionnaire(partnership=request.partnership)  # type: ignore[attr-defined]
    )
    _require(permissions.can_edit_questionnaires(request.user))
    return edit_page(
        request,
        forms.QuestionnaireForm,
        q,
        title="Edit the questionnaire" if questionnaire_id else "Build a questionnaire",
        done=lambda saved: redirect("questionnaire", questionnaire_id=saved.pk),
    )


@require_http_methods(["GET", "POST"])
def item_edit(
    request: HttpRequest, questionnaire_id: int | None = None, item_id: int | None = None
) -> HttpResponse:
    item = get_object_or_404(QuestionnaireItem, pk=item_id) if item_id else None
    q = item.questionnaire if item else get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_edit_questionnaires(request.user))
    if q.responses.exists():  # what people answered stays what they were asked
        status = 409 if request.method == "POST" else 200
        return render(request, "governance/locked.html", {"q": q}, status=status)
    return edit_page(
        request,
        forms.ItemForm,
        item or QuestionnaireItem(questionnaire=q, number=q.items.count() + 1),
        title="Edit the question" if item else "Add a question",
        context={"caption": q.title},
        done=lambda saved: redirect("questionnaire", questionnaire_id=q.pk),
    )


@require_http_methods(["GET", "POST"])
def questionnaire_publish(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_edit_questionnaires(request.user))
    if request.method == "POST" and q.items.exists():
        services.publish(request.user, q)
        return redirect("questionnaire", questionnaire_id=q.pk)
    return render(request, "governance/publish.html", {"q": q, "empty": not q.items.exists()})


@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """Make single-use links; the unused ones download as CSV, to send by the partnership's
    own email (saferplan sends no email and keeps no invitee's address)."""
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_edit_questionnaires(request.user))
    form = forms.InvitationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invite(request.user, q, form.cleaned_data["count"], form.cleaned_data["label"])
        return redirect("invitations", questionnaire_id=q.pk)
    return render(
        request,
        "governance/invitations.html",
        {
            "q": q,
            "form": form,
            "unused": q.invitations.filter(used_at__isnull=True).count(),
            "used": q.invitations.filter(used_at__isnull=False).count(),
        },
        status=400 if request.method == "POST" else 200,
    )


def invitations_csv(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_edit_questionnaires(request.user))
    rows = [
        (i.label, request.build_absolute_uri(reverse("answer_invited", args=[i.token])))
        for i in q.invitations.filter(used_at__isnull=True)
    ]
    audit.record_access(
        request.user, "exported", f"single-use links to {q}", str(q.pk), model="governance"
    )
    return _download(exports.to_csv(["label", "link"], rows), "text/csv; charset=utf-8",
                     f"links-{q.pk}.csv")  # fmt: skip


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def results(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_view_governance(request.user))
    found = tables.consultation_results(*reading.questionnaire(q))
    images = []
    for chart in found.charts:
        png = charts.bar_chart(chart)
        images.append({"src": "data:image/png;base64," + base64.b64encode(png).decode(),
                       "alt": charts.describe(chart)})  # fmt: skip
    return render(
        request,
        "governance/results.html",
        {
            "q": q,
            "results": found,
            "charts": images,
            "can_edit": permissions.can_edit_questionnaires(request.user),
            "contacts": q.responses.exclude(contact_email="").count(),
        },
    )


def _results_rows(q: Questionnaire) -> list[list[object]]:
    return exports.result_rows(tables.consultation_results(*reading.questionnaire(q)).items)


def results_csv(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_view_governance(request.user))
    data = exports.to_csv(exports.RESULT_HEADINGS, _results_rows(q))
    return _download(data, "text/csv; charset=utf-8", f"results-{q.pk}.csv")


def results_xlsx(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_view_governance(request.user))
    data = exports.to_xlsx(f"{q.title}: results", exports.RESULT_HEADINGS, _results_rows(q),
                           (50, 10, 50, 8, 14, 10, 12))  # fmt: skip
    return _download(data, CONTENT_TYPES["xlsx"], f"results-{q.pk}.xlsx")


@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """Respondents who consented to be contacted (analysts and admins; every look audited);
    one who asks by another way than their link is removed here."""
    q = get_object_or_404(Questionnaire, pk=questionnaire_id)
    _require(permissions.can_edit_questionnaires(request.user))
    if request.method == "POST":
        chosen = request.POST.get("response", "")
        if not chosen.isdigit():
            raise Http404
        response = get_object_or_404(Response, pk=int(chosen), questionnaire=q)
        services.remove_contact(request.user, response)
        return redirect("contacts", questionnaire_id=q.pk)
    audit.record_access(
        request.user, "viewed", f"contacts who consented, {q}", str(q.pk), model="governance"
    )
    people = q.responses.exclude(contact_email="").order_by("id")
    return render(request, "governance/contacts.html", {"q": q, "people": people})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int | None = None) -> HttpResponse:
    event = (
        get_object_or_404(ConsultationEvent, pk=event_id)
        if event_id
        else ConsultationEvent(partnership=request.partnership)  # type: ignore[attr-defined]
    )
    _require(permissions.can_edit_questionnaires(request.user))
    return edit_page(
        request,
        forms.EventForm,
        event,
        title="Edit the consultation event" if event_id else "Log a consultation event",
        done=lambda saved: redirect("consultations"),
    )
