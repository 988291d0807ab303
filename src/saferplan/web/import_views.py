"""Imports from the browser: provenance, uploads run as background jobs, and the jobs' pages.

An upload is bounded and checked as it arrives (``web.uploads``), kept in a folder of the
data directory named by the server, and handed to an ``import`` job (``jobs.queue``), which
runs ``run_import`` in a worker: all of it stored, or none. The job's page shows its
progress from the server, and updates it every second from ``progress.json`` where
scripts run. Jobs are the partnership's own: another partnership's (and the command
line's open-data jobs) answer 404, looked up before any role is checked.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.accounts.models import Role
from saferplan.core.errors import SaferplanError
from saferplan.datastore.kinds import BY_KIND, KINDS
from saferplan.datastore.models import ImportRecord
from saferplan.jobs import queue
from saferplan.jobs.kinds import remove_upload
from saferplan.jobs.models import Job, State
from saferplan.web.import_forms import ImportFilterForm, UploadForm
from saferplan.web.refusals import require
from saferplan.web.uploads import keep, mebibytes, refusal, uploads_dir

PER_PAGE = 50
RECENT_JOBS = 50
WHO_IMPORTS = (
    "Analysts and partnership admins import open data; youth justice practitioners import "
    "youth justice data."
)
PLAN_KIND = "delivery-plan"  # plans.importers.IMPORT_KIND, not loaded here
WHO_CANCELS = "Only the person who started a job, or a partnership admin, can cancel it."


def shown(text: str | None) -> str:
    """Text about uploaded files with the server's folders left out: people see the
    names of the files they chose."""
    if not text:
        return ""
    root = re.escape(str(uploads_dir())) + r"/[^/\s:]+/"
    return re.sub(root, "", text)


def _visible_records(user: Any) -> QuerySet[ImportRecord]:
    """Open data for everyone who may import; a partnership's own kinds for their roles."""
    own = [k.kind for k in KINDS if k.restricted and permissions.can_import(user, k.kind)]
    found = ImportRecord.objects.all()  # in scope: open data and this partnership's
    if Role.ADMIN not in permissions.roles(user):
        found = found.filter(Q(partnership__isnull=True) | Q(kind__in=own))
    return found


def imports(request: HttpRequest) -> HttpResponse:
    """Provenance: every file imported, filtered by kind, who and dates, newest first."""
    require(permissions.can_view_imports(request.user), WHO_IMPORTS)
    records = _visible_records(request.user)
    kinds = sorted(set(records.values_list("kind", flat=True)))
    people = sorted(set(records.values_list("imported_by", flat=True)))
    form = ImportFilterForm(request.GET, kinds=kinds, people=people)
    if not form.is_valid():
        return render(request, "web/imports.html", {"form": form, "page": None}, status=400)
    wanted = form.cleaned_data
    if wanted["kind"]:
        records = records.filter(kind=wanted["kind"])
    if wanted["who"]:
        records = records.filter(imported_by=wanted["who"])
    if wanted["since"]:
        records = records.filter(finished_at__date__gte=wanted["since"])
    if wanted["until"]:
        records = records.filter(finished_at__date__lte=wanted["until"])
    page = Paginator(records.order_by("-finished_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    rows = [_record_row(r) for r in page]
    context: dict[str, Any] = {"form": form, "page": page, "rows": rows, "query": query.urlencode(),
               "pages": page.paginator.get_elided_page_range(page.number)}  # fmt: skip
    return render(request, "web/imports.html", context)


def _record_row(record: ImportRecord) -> dict[str, Any]:
    return {
        "record": record,
        "file": shown(record.file_name),
        "container": shown(record.container),
        "whose": "this partnership's" if record.partnership_id else "open data, shared",
    }


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Choose a kind and upload its files; they are imported by a job, whose page follows."""
    kinds = permissions.importable_kinds(request.user)
    require(bool(kinds), WHO_IMPORTS)
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        kinds=kinds,
        refused=refusal(request),
    )
    if posted and form.is_valid():
        try:
            if form.cleaned_data["kind"] == PLAN_KIND:  # previewed first, then confirmed
                return _preview_plan(request, form)
            job = _queue_import(request, form)
        except SaferplanError as exc:
            form.add_error(None, shown(exc.message))
        else:
            return redirect("job", job_id=job.pk)
    context = {"form": form, "kinds": [BY_KIND[k] for k in kinds],
               "max_file": mebibytes(settings.UPLOAD_MAX_FILE_BYTES),
               "max_request": mebibytes(settings.UPLOAD_MAX_REQUEST_BYTES)}  # fmt: skip
    return render(request, "web/imports_new.html", context, status=400 if form.errors else 200)


def _preview_plan(request: HttpRequest, form: UploadForm) -> HttpResponse:
    """A delivery plan goes to its preview (``web.plan_import_views``), not to a job."""
    from saferplan.web.plan_import_views import start_preview

    files = form.cleaned_data["upload"]
    if len(files) != 1:
        raise SaferplanError("Upload one delivery plan file at a time")
    return start_preview(request, keep(files))


def _queue_import(request: HttpRequest, form: UploadForm) -> Job:
    """Keep the upload's files, and queue the job that imports them (or keep nothing)."""
    kept = keep(form.cleaned_data["upload"])
    arguments = {
        "kind": form.cleaned_data["kind"],
        "paths": [str(p) for p in kept.paths],
        "options": form.options(),
        "uploaded": str(kept.folder),
        "digests": kept.digests,
    }
    try:
        return queue.enqueue(
            "import",
            arguments,
            requested_by=request.user.get_username(),
            partnership=request.partnership,  # type: ignore[attr-defined]
        )
    except BaseException:
        shutil.rmtree(kept.folder, ignore_errors=True)
        raise


def _job(request: HttpRequest, job_id: int) -> Job:
    """The partnership's job, looked up before roles are checked (another's is a 404)."""
    job = (
        Job.objects.select_related("partnership")
        .filter(pk=job_id, partnership=request.partnership)  # type: ignore[attr-defined]
        .first()
    )
    if job is None:
        raise Http404
    require(permissions.can_view_job(request.user, job), WHO_IMPORTS)
    return job


def job_list(request: HttpRequest) -> HttpResponse:
    """The partnership's recent jobs that the user may see, newest first."""
    require(permissions.can_view_imports(request.user), WHO_IMPORTS)
    recent = Job.objects.filter(partnership=request.partnership)[: RECENT_JOBS * 4]  # type: ignore[attr-defined]
    jobs = [j for j in recent if permissions.can_view_job(request.user, j)][:RECENT_JOBS]
    return render(request, "web/jobs.html", {"jobs": jobs})


def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    found = queue.status(job)
    result = found["result"] or {}
    context = {
        "job": job,
        "status": found,
        "what": _what(job),
        "imported": [{**row, "file": shown(row["file"])} for row in result.get("imported", [])],
        "skipped": [{**row, "file": shown(row["file"])} for row in result.get("skipped", [])],
        "errors": _errors(found),
        "log": [{**line, "line": shown(line["line"])} for line in found["log"]],
        "may_cancel": not job.finished and permissions.can_cancel_job(request.user, job),
        "elapsed": elapsed_seconds(job),
    }
    return render(request, "web/job.html", context)


def _errors(found: dict[str, Any]) -> list[dict[str, Any]]:
    """A failed job's errors, each with its file, row and column where it has them."""
    if found["state"] != State.FAILED:
        return []
    listed = (found["result"] or {}).get("errors") or [{"message": found["error"] or ""}]
    return [_error_shown(e) for e in listed]


def _error_shown(error: dict[str, Any]) -> dict[str, Any]:
    """An error as the page lists it; a message of several lines (a refused final edition's
    reasons) is its first line, with each further line a reason of its own."""
    first, *reasons = shown(error.get("message")).split("\n")
    listed = [line.strip() for line in reasons if line.strip()]
    return {**error, "file": shown(error.get("file")), "message": first, "reasons": listed}


def job_progress(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the progress bar shows, polled every second by the job's page."""
    job = _job(request, job_id)
    found = queue.status(job)
    labels = dict(State.choices)
    shown = ("state", "finished", "phase", "percent", "rows", "started_at", "finished_at")
    answer = {key: found[key] for key in shown}
    answer["state_label"] = labels.get(found["state"], found["state"])
    answer["cancel_requested"] = found["cancel_requested"]
    answer["elapsed"] = elapsed_seconds(job)
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


def elapsed_seconds(job: Job) -> int | None:
    """Whole seconds the job has run (or ran): shown beside its phase, so the page moves on
    even through a step that reports nothing until it ends (one long database statement)."""
    if job.started_at is None:
        return None
    until = job.finished_at or timezone.now()
    return max(0, int((until - job.started_at).total_seconds()))


@require_http_methods(["GET", "POST"])
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    """Confirm, then cancel a queued job or ask a running one to stop (an import then
    stores nothing). The job is looked up first, so another partnership's is a 404."""
    job = _job(request, job_id)
    require(permissions.can_cancel_job(request.user, job), WHO_CANCELS)
    if request.method == "GET":
        return render(request, "web/job_cancel.html", {"job": job, "what": _what(job)})
    try:
        now = queue.cancel(job.pk, by=request.user.get_username())
    except SaferplanError as exc:
        messages.error(request, exc.message[:1].upper() + exc.message[1:])
    else:
        if now.state == State.CANCELLED:  # it never started: its upload is not needed
            remove_upload(job.arguments.get("uploaded"))
        messages.success(request, "The job is cancelled, or stops at its next step.")
    return redirect("job", job_id=job.pk)


def _what(job: Job) -> str:
    """What an import job imports (its kind), for its headings."""
    return str(job.arguments.get("kind", "")) if job.kind == "import" else ""
