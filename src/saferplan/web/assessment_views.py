"""Building the Strategic Assessment from the app: the form, and the partnership's builds.

A valid form queues a ``build-assessment`` job (``reports.jobs``) for the request's
partnership; the builds page lists its build jobs with their progress, refreshing while
any is unfinished, and links each finished one to the edition it kept. Analysts and admins
build; everyone in the partnership reads the editions (``edition_views``). Jobs are read
in the request's partnership scope, so another partnership's are never listed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.jobs.models import Job
from saferplan.reports.jobs import KIND
from saferplan.web.assessment_forms import AssessmentForm

BUILDS_LISTED = 50
REFRESH_SECONDS = 2


def _require_builder(request: HttpRequest) -> None:
    if not permissions.can_build_documents(request.user):
        raise PermissionDenied


def _data_areas(con: Any) -> list[str]:
    """The boroughs the warehouse knows (none yet in a new installation)."""
    from saferplan.geography.areas import list_areas

    return [area.name for area in list_areas(con, "borough")]


@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    """Ask for a build: checked as the CLI checks, then queued as a job."""
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.definitions.service import in_force
    from saferplan.jobs.queue import enqueue

    _require_builder(request)
    partnership = request.partnership  # type: ignore[attr-defined]
    con = Warehouse().connect()
    with in_force(partnership) as book:  # its own themes and comparator groups, if any
        themes = {key: theme.title for key, theme in book.themes.items()}
        form = AssessmentForm(request.POST or None, partnership=partnership,
                              data_areas=_data_areas(con), themes=themes,
                              connect=lambda: con)  # fmt: skip
        valid = request.method == "POST" and form.is_valid()
    if valid:
        enqueue(KIND, form.job_arguments(), requested_by=request.user.get_username(),
                partnership=partnership)  # fmt: skip
        return redirect("assessment_builds")
    status = 400 if form.errors else 200
    return render(request, "web/assessment_new.html", {"form": form}, status=status)


def assessment_builds(request: HttpRequest) -> HttpResponse:
    """The partnership's builds, newest first, refreshed every 2 s while any is unfinished."""
    from saferplan.jobs.queue import status

    _require_builder(request)
    jobs = Job.objects.filter(kind=KIND, partnership=request.partnership)[:BUILDS_LISTED]  # type: ignore[attr-defined]
    builds = [_build_row(job, status(job)) for job in jobs]
    unfinished = any(not b["finished"] for b in builds)
    context = {"builds": builds, "unfinished": unfinished, "refresh": REFRESH_SECONDS}
    response = render(request, "web/assessment_builds.html", context)
    if unfinished:
        # The Refresh header does what a meta refresh does, with no script and no template
        # block: the page reloads itself until every build has finished.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def _build_row(job: Job, found: dict[str, Any]) -> dict[str, Any]:
    """A build job as the page shows it: who, when, what was asked, and how it is going."""
    arguments = job.arguments or {}
    result = found["result"] if isinstance(found["result"], dict) else {}
    return {
        "id": job.pk,
        "requested_by": job.requested_by,
        "queued_at": job.queued_at,
        "area": arguments.get("area", ""),
        "year": arguments.get("year", ""),
        "comparators": ", ".join(arguments.get("comparators") or []),
        "edition": arguments.get("edition", ""),
        "themes": ", ".join(arguments.get("themes") or []) or "All",
        "state": found["state"],
        "finished": found["finished"],
        "phase": found["phase"],
        "percent": round(found["percent"]) if found["percent"] is not None else None,
        "error": found["error"],
        "edition_id": result.get("edition"),
        "title": result.get("title", ""),
    }
