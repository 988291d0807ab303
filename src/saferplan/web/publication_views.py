"""Published documents, for everyone: no sign-in. Only the public edition of a document in
the "published" state is shown (its files served only while they still have their recorded
SHA-256), with the date it was published and its route history; nothing of a partnership
that has published nothing. Each page runs in the scope of the partnership it shows (the
visitor's own partnership, if they are signed in, plays no part)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.editions.models import PUBLISHABLE_VARIANTS, Edition, EditionFile, State
from saferplan.editions.public import route_as_adopted
from saferplan.editions.steps import history
from saferplan.web.edition_views import document_response, file_response, file_rows


def _published() -> Any:
    return Edition.objects.filter(state=State.PUBLISHED, edition__in=PUBLISHABLE_VARIANTS)


def _published_on(edition: Edition) -> Any:
    """The date of the step that published it."""
    step = edition.steps.filter(to_state=State.PUBLISHED).order_by("-taken_at", "-id").first()
    return step.meeting_date if step else None


def _listing() -> list[dict[str, Any]]:
    """The published editions of the partnership in scope, newest first."""
    return [{"edition": e, "published_on": _published_on(e)} for e in _published()]


@login_not_required
def published(request: HttpRequest) -> HttpResponse:
    """Every partnership's published documents (only those that have published any)."""
    found = []
    for partnership in Partnership.objects.order_by("name"):
        with partnership_scope(partnership):
            editions = _listing()
        if editions:
            found.append({"partnership": partnership, "editions": editions})
    return render(request, "web/published.html", {"partnerships": found})


def _partnership(partnership_id: int) -> Partnership:
    return get_object_or_404(Partnership, pk=partnership_id)


@login_not_required
def published_partnership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = _partnership(partnership_id)
    with partnership_scope(partnership):
        editions = _listing()
    if not editions:
        raise Http404("nothing published")
    context = {
        "partnerships": [{"partnership": partnership, "editions": editions}],
        "publisher": partnership,
    }
    return render(request, "web/published.html", context)


def _edition(edition_id: int) -> Edition:
    """A published public edition of the partnership in scope, else 404."""
    return get_object_or_404(_published(), pk=edition_id)


@login_not_required
def published_edition(request: HttpRequest, partnership_id: int, edition_id: int) -> HttpResponse:
    partnership = _partnership(partnership_id)
    with partnership_scope(partnership):
        edition = _edition(edition_id)
        files, alterations = file_rows(edition, request)
        html = next((f for f in files if f["file"].name.endswith(".html")), None)
        standing, returns = route_as_adopted(history(edition))
        context = {
            "publisher": partnership,
            "edition": edition,
            "files": files,
            "alterations": alterations,
            "show_document": html is not None and not html["altered"],
            "history": standing,
            "returns": returns,
            "published_on": _published_on(edition),
        }
        return render(request, "web/published_edition.html", context)


@login_not_required
def published_document(request: HttpRequest, partnership_id: int, edition_id: int) -> HttpResponse:
    partnership = _partnership(partnership_id)
    with partnership_scope(partnership):
        return document_response(request, _edition(edition_id))


@login_not_required
def published_file(
    request: HttpRequest, partnership_id: int, edition_id: int, file_name: str
) -> HttpResponse:
    partnership = _partnership(partnership_id)
    with partnership_scope(partnership):
        edition = _edition(edition_id)
        file = get_object_or_404(EditionFile, edition=edition, name=file_name)
        return file_response(request, edition, file)
