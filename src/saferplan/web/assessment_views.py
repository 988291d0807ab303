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
WAITING_NOTICE_AFTER = 5  # seconds queued with no worker running before the page says so
STOP_REFRESH_AFTER = 120  # seconds queued with no worker running before it stops refreshing


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
    """The partnership's builds, newest first, refreshed every 2 s while any is unfinished
    and moving: a build no worker has taken for ``STOP_REFRESH_AFTER`` seconds stops it."""
    from saferplan.jobs.queue import status

    _require_builder(request)
    jobs = Job.objects.filter(kind=KIND, partnership=request.partnership)[:BUILDS_LISTED]  # type: ignore[attr-defined]
    builds = [_build_row(job, status(job)) for job in jobs]
    unfinished = [b for b in builds if not b["finished"]]
    busy = _a_worker_is_running() if unfinished else False
    for b in unfinished:
        _judge_waiting(b, busy)
    refresh = any(b["moving"] for b in unfinished)
    context = {"builds": builds, "unfinished": bool(unfinished), "refresh_on": refresh,
               "refresh": REFRESH_SECONDS, "stopped_after": STOP_REFRESH_AFTER // 60}  # fmt: skip
    response = render(request, "web/assessment_builds.html", context)
    if refresh:
        # The Refresh header does what a meta refresh does, with no script and no template
        # block: the page reloads itself until every build has finished.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def _a_worker_is_running() -> bool:
    """Whether some worker is running a job now, of any partnership (its heartbeat is
    within the lost-job limit, on the database's clock): queued builds wait for it."""
    from datetime import timedelta

    from django.db.models import DateTimeField, ExpressionWrapper
    from django.db.models.functions import Now

    from saferplan.accounts.tenancy import across_partnerships
    from saferplan.jobs.models import State
    from saferplan.jobs.monitor import lost_after

    cutoff = ExpressionWrapper(Now() - timedelta(seconds=lost_after()), DateTimeField())
    with across_partnerships():
        return Job.objects.filter(state=State.RUNNING, heartbeat_at__gte=cutoff).exists()


def _judge_waiting(build: dict[str, Any], busy: bool) -> None:
    """Mark an unfinished build 'waiting' (queued a few seconds with no worker running)
    and 'moving' (worth refreshing for: running, or queued for less than the bound)."""
    from django.utils import timezone

    waited = (timezone.now() - build["queued_at"]).total_seconds()
    queued = build["state"] == "queued"
    build["waiting"] = queued and not busy and waited >= WAITING_NOTICE_AFTER
    build["moving"] = not queued or busy or waited < STOP_REFRESH_AFTER


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
