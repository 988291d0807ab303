"""The statutory plans in the app: each document's sections for a year, with their guidance
and the state of their text; writing a section (the roles that own the document only, every
save kept and audited, last year's text carried forward on request); and building a
draft or final edition as a background job (``build-document``), whose page follows it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.documents import markdown
from saferplan.documents.context import plan_year
from saferplan.documents.template import KINDS, SectionSpec, Template, choose

BUILD_KIND = "build-document"  # jobs.kinds.build_plan_document
BUILDS_LISTED = 20


class SectionForm(forms.Form):
    text = forms.CharField(
        label="Text",
        required=False,
        max_length=markdown.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown: ## headings, - lists, **bold**, *emphasis*, [links](https://…). "
        "No HTML. Put a figure in with its name, e.g. {{ fte.rate }}: it is computed "
        "and checked when the document is built.",
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        if problems := markdown.problems(text):
            raise forms.ValidationError(problems)
        return text


def _template(document: str, year: str) -> tuple[Template, str]:
    """The document's template for the year; an unknown document or year is a 404."""
    if document not in KINDS:
        raise Http404("no such document")
    try:
        year = plan_year(year)
        return choose(document, year), year
    except SaferplanError as exc:
        raise Http404(str(exc)) from None


def _section(template: Template, key: str) -> SectionSpec:
    try:
        spec = template.section(key)
    except NotFoundError:
        raise Http404("no such section") from None
    if not spec.authored:
        raise Http404("this section is generated, not written")
    return spec


def _read(request: HttpRequest) -> None:
    if not permissions.can_view_documents(request.user):
        raise PermissionDenied


def _write(request: HttpRequest, document: str) -> None:
    if not permissions.can_edit_document(request.user, document):
        raise PermissionDenied


def document_list(request: HttpRequest) -> HttpResponse:
    """The documents, each with the current plan year's sections a click away."""
    _read(request)
    from datetime import date

    today = date.today()
    first = today.year if today.month >= 4 else today.year - 1
    years = [f"{y}-{str(y + 1)[2:]}" for y in range(first + 1, first - 4, -1)]
    documents = [
        {"key": k, "title": t, "editable": permissions.can_edit_document(request.user, k)}
        for k, t in KINDS.items()
    ]
    return render(request, "web/documents.html", {"documents": documents, "years": years})


def _sections(template: Template, year: str) -> list[dict[str, Any]]:
    from saferplan.documents.service import current_texts

    texts = current_texts(template.document, year)
    out = []
    for n, spec in enumerate(template.sections, start=1):
        revision = texts.get(spec.key)
        out.append(
            {
                "number": n,
                "spec": spec,
                "revision": revision,
                "written": bool(revision and revision.text.strip()),
            }
        )
    return out


def document_year(request: HttpRequest, document: str, year: str) -> HttpResponse:
    """A document's sections for one year, what is written, and the build buttons."""
    _read(request)
    template, year = _template(document, year)
    return _document_page(request, template, year)


def _document_page(
    request: HttpRequest, template: Template, year: str, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "template": template,
        "document": template.document,
        "year": year,
        "sections": _sections(template, year),
        "editable": permissions.can_edit_document(request.user, template.document),
        "error": error,
        "builds": _builds(template.document, year, request.partnership),  # type: ignore[attr-defined]
    }
    return render(request, "web/document_year.html", context, status=status)


def section_edit(request: HttpRequest, document: str, year: str, section: str) -> HttpResponse:
    """Write one section, with its guidance beside the field and its history below."""
    from saferplan.documents.service import carry_forward, current_texts, history, save_section

    _write(request, document)
    template, year = _template(document, year)
    spec = _section(template, section)
    current = current_texts(document, year).get(section)
    form = SectionForm(request.POST or None, initial={"text": current.text if current else ""})
    error, status = "", 200
    if request.method == "POST":
        try:
            if "carry_forward" in request.POST:
                carry_forward(template, year, section, request.user)
                return redirect(request.path)
            if form.is_valid():
                save_section(template, year, section, form.cleaned_data["text"], request.user)
                return redirect("document_year", document=document, year=year)
        except SaferplanError as exc:
            error = str(exc)
        status = 400
    context = {
        "template": template,
        "document": document,
        "year": year,
        "spec": spec,
        "form": form,
        "error": error,
        "history": history(document, year, section)[:20],
    }
    return render(request, "web/document_section.html", context, status=status)


@require_http_methods(["GET", "POST"])
def document_build(request: HttpRequest, document: str, year: str) -> HttpResponse:
    """Queue a draft or final build as a ``build-document`` job and show its page, which
    follows its progress and, when it ends, links the edition or lists every reason it was
    refused (a GET shows the document's page, whose buttons post here)."""
    from saferplan.documents.build import EDITIONS
    from saferplan.jobs.queue import enqueue

    _write(request, document)
    template, year = _template(document, year)
    if request.method != "POST":
        return _document_page(request, template, year)
    edition = request.POST.get("edition", "draft")
    if edition not in EDITIONS:
        return _document_page(
            request, template, year, error="Build a draft or a final edition.", status=400
        )
    job = enqueue(
        BUILD_KIND,
        {"document": document, "year": year, "edition": edition},
        requested_by=request.user.get_username(),
        partnership=request.partnership,  # type: ignore[attr-defined]
    )
    return redirect(reverse("job", args=[job.pk]))


def _builds(document: str, year: str, partnership: Any) -> list[dict[str, Any]]:
    """The partnership's build jobs of the document for the year, newest first."""
    from saferplan.jobs.models import Job

    jobs = Job.objects.filter(
        kind=BUILD_KIND,
        partnership=partnership,
        arguments__document=document,
        arguments__year=year,
    ).order_by("-queued_at", "-pk")[:BUILDS_LISTED]
    rows = []
    for job in jobs:
        result = job.result if isinstance(job.result, dict) else {}
        rows.append({"job": job, "edition": job.arguments.get("edition", ""),
                     "edition_id": result.get("edition")})  # fmt: skip
    return rows
