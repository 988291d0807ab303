"""Editions: the partnership's built documents. Every file is checked against the SHA-256
recorded when it was made before it is served; a changed file is refused, logged and
audited. Restricted editions only for those who may see restricted figures (their views
and downloads audited); another partnership's editions answer 404 for everyone."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from saferplan.accounts import permissions
from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import current_partnership
from saferplan.core.errors import SaferplanError
from saferplan.editions import comments
from saferplan.editions.compare import Comparison, compare, previous_of
from saferplan.editions.models import Edition, EditionFile
from saferplan.editions.routes import Route, route_for
from saferplan.editions.store import Alteration, AlteredFileError, read_file, verify
from saferplan.web.comment_views import comments_context
from saferplan.web.edition_lookup import visible_edition
from saferplan.web.route_views import route_context

log = logging.getLogger("saferplan.editions")

LABELS = {
    ".html": "Web page (HTML)",
    ".docx": "Word",
    ".pdf": "PDF",
    ".json": "Figures (JSON)",
    ".csv": "Figures (CSV)",
}
# The document's own HTML, shown in a frame of the edition's page: it is self-contained
# (inline styles, images as data: URIs) and may run nothing, load nothing, submit nothing.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)
ALTERED_STATUS = 409


def _audit(request: HttpRequest, action: str, edition: Edition, what: str) -> None:
    user = request.user
    AuditEvent.objects.create(
        partnership=current_partnership(),
        user=user if user.is_authenticated else None,
        actor=user.get_username() or "public (not signed in)",
        action=action,
        model="editions.Edition",
        object_id=str(edition.pk),
        summary=f"{what}: {edition}"[:300],
    )


def _log_alteration(request: HttpRequest, edition: Edition, alteration: Alteration) -> None:
    log.error("edition %s of %s (%s): %s; noticed by %s", edition.pk, edition.partnership,
              edition.title, alteration.describe(), request.user.get_username())  # fmt: skip


def _refused(request: HttpRequest, error: AlteredFileError) -> HttpResponse:
    """The page saying a file was altered and not served (logged and audited)."""
    edition, alteration = error.edition, error.alteration
    _log_alteration(request, edition, alteration)
    _audit(request, "refused", edition, f"altered file {alteration.name} not served")
    context = {"edition": edition, "alteration": alteration,
               "request_id": getattr(request, "request_id", "-")}  # fmt: skip
    return render(request, "web/edition_altered.html", context, status=ALTERED_STATUS)


def _label(name: str) -> str:
    return LABELS.get(Path(name).suffix.lower(), "File")


def _in_label_order(file: EditionFile) -> tuple[int, str]:
    """The document first (HTML, Word, PDF), then its figures, then anything else."""
    order = list(LABELS)
    suffix = Path(file.name).suffix.lower()
    return (order.index(suffix) if suffix in order else len(order), file.name)


def file_rows(edition: Edition, request: HttpRequest) -> tuple[list[dict[str, Any]], list[Any]]:
    """Each file with its label and whether it was altered (altered ones logged)."""
    alterations = verify(edition)
    for alteration in alterations:
        _log_alteration(request, edition, alteration)
    altered = {a.name for a in alterations}
    files = [
        {"file": f, "label": _label(f.name), "altered": f.name in altered}
        for f in sorted(edition.files.all(), key=_in_label_order)
    ]
    return files, alterations


def edition_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_editions(request.user):
        raise PermissionDenied
    editions = [
        e
        for e in Edition.objects.select_related("built_by")
        if permissions.can_view_edition(request.user, e)
    ]
    routes: dict[str, Route] = {}
    overdue = comments.overdue_counts(editions, timezone.localdate())
    for e in editions:
        route = routes.setdefault(e.document, route_for(e.document))
        e.state_label = route.label(e.state)  # type: ignore[attr-defined]
        e.overdue = overdue[e.pk]  # type: ignore[attr-defined]
    context = {
        "editions": editions,
        "sees_restricted": permissions.can_view_restricted_figures(request.user),
        "may_build": permissions.can_build_documents(request.user),
        "edits_routes": permissions.can_edit_routes(request.user),
    }
    return render(request, "web/editions.html", context)


def edition_detail(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = visible_edition(request, edition_id)
    files, alterations = file_rows(edition, request)
    html = next((f for f in files if f["file"].name.endswith(".html")), None)
    previous = previous_of(edition)
    context = {
        "edition": edition,
        "files": files,
        "alterations": alterations,
        "show_document": html is not None and not html["altered"],
        "previous": previous if previous and permissions.can_view_edition(request.user, previous)
        else None,
        **route_context(request.user, edition),
        **comments_context(request.user, edition),
    }  # fmt: skip
    return render(request, "web/edition.html", context)


def file_response(request: HttpRequest, edition: Edition, file: EditionFile) -> HttpResponse:
    """The file as a download, only if it is still the file that was made."""
    try:
        data = read_file(file)
    except AlteredFileError as error:
        return _refused(request, error)
    if edition.restricted:
        _audit(request, "exported", edition, f"downloaded {file.name}")
    response = HttpResponse(data, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"edition-{edition.pk}-{file.name}"
    )
    return response


def document_response(request: HttpRequest, edition: Edition) -> HttpResponse:
    """The edition's HTML for a frame of this site: sandboxed, framed by this site only."""
    file = next((f for f in edition.files.all() if f.name.endswith(".html")), None)
    if file is None:
        raise Http404
    try:
        data = read_file(file)
    except AlteredFileError as error:
        return _refused(request, error)
    if edition.restricted:
        _audit(request, "viewed", edition, f"viewed {file.name}")
    response = HttpResponse(data, content_type=file.content_type)
    # Set here, so neither the site's CSP nor its X-Frame-Options: DENY replaces them.
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def edition_file(request: HttpRequest, edition_id: int, file_name: str) -> HttpResponse:
    """One file of an edition as a download, only if it is still the file that was made."""
    edition = visible_edition(request, edition_id)
    return file_response(request, edition, get_object_or_404(EditionFile, edition=edition,
                                                             name=file_name))  # fmt: skip


def edition_document(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The edition's HTML, for the frame on its page."""
    return document_response(request, visible_edition(request, edition_id))


SHOWN_PER_PART = 200


def _compared_with(request: HttpRequest, edition: Edition) -> Edition | None:
    """The edition asked for (``?from=ID``), else the one before it; one the user may see."""
    asked = request.GET.get("from", "").strip()
    if not asked:
        previous = previous_of(edition)
        return (
            previous if previous and permissions.can_view_edition(request.user, previous) else None
        )
    if not asked.isdigit():
        raise BadRequest(f"'from' must be an edition's number, not '{asked[:40]}'")
    return visible_edition(request, int(asked))


def edition_changes(request: HttpRequest, edition_id: int) -> HttpResponse:
    """What changed since another edition of the document: figures with why, text side by
    side (``?format=csv``: the figures as CSV)."""
    edition = visible_edition(request, edition_id)
    old = _compared_with(request, edition)
    comparison = None
    if old is not None:
        try:
            comparison = compare(old, edition)
        except AlteredFileError as error:
            return _refused(request, error)
        except SaferplanError as error:
            raise BadRequest(error.message) from None
    if request.GET.get("format") == "csv":
        if comparison is None:
            raise Http404("nothing to compare it with")
        return _changes_csv(comparison)
    others = [e for e in Edition.objects.filter(document=edition.document).exclude(pk=edition.pk)
              if permissions.can_view_edition(request.user, e)]  # fmt: skip
    groups = [{"name": name, "changes": changes[:SHOWN_PER_PART], "count": len(changes)}
              for name, changes in (comparison.groups() if comparison else [])]  # fmt: skip
    context = {"edition": edition, "old": old, "others": others, "comparison": comparison,
               "groups": groups, "shown_per_part": SHOWN_PER_PART}  # fmt: skip
    return render(request, "web/edition_changes.html", context)


def _changes_csv(comparison: Comparison) -> HttpResponse:
    from saferplan.core.cells import csv_row

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["part", "figure", "before", "after", "status", "why"])
    for c in comparison.figures:
        shown = ["" if v is None else v for v in (c.before, c.after)]
        writer.writerow(csv_row([c.group, c.label, *shown, c.status, "; ".join(c.reasons)]))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"changes-{comparison.old.pk}-to-{comparison.new.pk}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
