"""The audit trail for admins: the partnership's events, filtered and paged, and as CSV."""

from __future__ import annotations

import csv
from itertools import chain

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from saferplan.accounts import audit, audit_trail, permissions
from saferplan.web.forms import AuditFilterForm

PER_PAGE = 50


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, audit_trail.AuditFilter | None]:
    """The filter form from the query string, and what it asks for (None when invalid)."""
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    values = {"who": audit_trail.choices("actor"), "action": audit_trail.choices("action"),
              "model": audit_trail.choices("model")}  # fmt: skip
    form = AuditFilterForm(request.GET, values=values)
    if not form.is_valid():
        return form, None
    return form, audit_trail.AuditFilter(**form.cleaned_data)


def audit_log(request: HttpRequest) -> HttpResponse:
    form, wanted = _filters(request)
    if wanted is None:
        return render(request, "web/audit.html", {"form": form, "page": None}, status=400)
    found = audit_trail.events(wanted)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "pages": page.paginator.get_elided_page_range(page.number)}  # fmt: skip
    return render(request, "web/audit.html", context)


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def audit_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every event that matches the filters (not only a page), formula-safe; audited."""
    form, wanted = _filters(request)
    if wanted is None:
        return render(request, "web/audit.html", {"form": form, "page": None}, status=400)
    audit.record_access(
        request.user, "exported", "audit trail (CSV)", request.GET.urlencode(), model="audit"
    )
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    rows = (writer.writerow(row) for row in audit_trail.csv_rows(audit_trail.events(wanted)))
    # The byte order mark makes Excel read UTF-8.
    response = StreamingHttpResponse(
        chain(["\ufeff"], rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
