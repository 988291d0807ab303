"""Editions: the partnership's built documents. Every file is checked against the SHA-256
recorded when it was made before it is served; a changed file is refused, logged and
audited. Restricted editions only for those who may see restricted figures (their views
and downloads audited); another partnership's editions answer 404 for everyone."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from saferplan.accounts import permissions
from saferplan.accounts.models import AuditEvent
from saferplan.accounts.tenancy import current_partnership
from saferplan.editions.models import Edition, EditionFile
from saferplan.editions.store import Alteration, AlteredFileError, read_file, verify

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


def _edition(request: HttpRequest, edition_id: int) -> Edition:
    """Looked up before any role is checked, so another partnership's id is a 404."""
    edition = get_object_or_404(Edition, pk=edition_id)
    if not permissions.can_view_edition(request.user, edition):
        raise PermissionDenied
    return edition


def _audit(request: HttpRequest, action: str, edition: Edition, what: str) -> None:
    user = request.user
    AuditEvent.objects.create(
        partnership=current_partnership(),
        user=user if user.is_authenticated else None,
        actor=user.get_username(),
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


def edition_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_editions(request.user):
        raise PermissionDenied
    editions = [
        e
        for e in Edition.objects.select_related("built_by")
        if permissions.can_view_edition(request.user, e)
    ]
    context = {
        "editions": editions,
        "sees_restricted": permissions.can_view_restricted_figures(request.user),
        "may_build": permissions.can_build_documents(request.user),
    }
    return render(request, "web/editions.html", context)


def edition_detail(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = _edition(request, edition_id)
    alterations = verify(edition)
    for alteration in alterations:
        _log_alteration(request, edition, alteration)
    altered = {a.name for a in alterations}
    files: list[dict[str, Any]] = [
        {"file": f, "label": _label(f.name), "altered": f.name in altered}
        for f in sorted(edition.files.all(), key=_in_label_order)
    ]
    html = next((f for f in files if f["file"].name.endswith(".html")), None)
    context = {
        "edition": edition,
        "files": files,
        "alterations": alterations,
        "show_document": html is not None and not html["altered"],
    }
    return render(request, "web/edition.html", context)


def edition_file(request: HttpRequest, edition_id: int, file_name: str) -> HttpResponse:
    """One file of an edition as a download, only if it is still the file that was made."""
    edition = _edition(request, edition_id)
    file = get_object_or_404(EditionFile, edition=edition, name=file_name)
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


def edition_document(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The edition's HTML, for the frame on its page: sandboxed, framed by this site only."""
    edition = _edition(request, edition_id)
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
