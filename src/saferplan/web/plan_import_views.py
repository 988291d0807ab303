"""Uploading a delivery plan: the file is kept and previewed, then imported or cancelled.

The upload is bounded like every other (``web.uploads``) and read at once, so a bad file
is refused with its file, row and column and nothing kept. The preview says what the
import would create and how each action's lead was matched; Confirm imports exactly that
file (``plans.uploads``). An upload is looked up in the partnership before any role is
checked, so another partnership's is a 404. An upload is kept for
``settings.UPLOAD_KEEP_HOURS`` (``web.upload_expiry``): the preview says until when, and
once expired it is neither previewed nor imported.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods

from saferplan.accounts import permissions
from saferplan.core.errors import NotFoundError, SaferplanError
from saferplan.plans import uploads as plan_uploads
from saferplan.plans.importing import check_label
from saferplan.plans.models import StrategyYear
from saferplan.web import upload_expiry
from saferplan.web.import_views import shown
from saferplan.web.refusals import EDIT_PLAN, require
from saferplan.web.uploads import KeptUpload, clean_name, keep, mebibytes, refusal, uploads_dir

SUFFIXES = (".csv", ".xlsx", ".xlsm")


class PlanUploadForm(forms.Form):
    """One plan file (CSV or Excel) and, where the file does not say, its plan year."""

    upload = forms.FileField(
        label="Delivery plan file",
        help_text="A CSV file, or an Excel workbook whose first sheet is the plan.",
        error_messages={"required": "Choose the plan file to upload",
                        "empty": "The file is empty"},
    )  # fmt: skip
    year = forms.CharField(
        label="Plan year", required=False, max_length=7,
        help_text="For example, 2019/20. Leave it empty if the file's plan column says.",
    )  # fmt: skip

    def __init__(self, *args: Any, refused: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean_year(self) -> str:
        year = self.cleaned_data.get("year") or ""
        if year:
            try:
                return check_label(year)
            except SaferplanError as exc:
                raise forms.ValidationError(f"{exc.message[:1].upper()}{exc.message[1:]}") from exc
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.refused:  # stopped as it arrived: nothing of it was kept
            self.errors.pop("upload", None)
            self.add_error("upload", self.refused)
            return data
        upload = data.get("upload")
        if upload is not None and not clean_name(upload.name or "").lower().endswith(SUFFIXES):
            self.add_error("upload", "The plan must be a CSV file or an Excel workbook (.xlsx)")
        return data


def start_preview(request: HttpRequest, kept: KeptUpload, label: str = "") -> HttpResponse:
    """Read the kept file (a bad one raises, and is deleted) and show its preview."""
    upload = plan_uploads.stage(
        kept.folder,
        kept.paths[0],
        request.partnership,  # type: ignore[attr-defined]
        request.user.get_username(),
        label,
    )
    return redirect("plan_import_preview", upload=upload.id)


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload a plan file; its preview follows."""
    require(permissions.can_edit_plan(request.user), EDIT_PLAN)
    posted = request.method == "POST"
    form = PlanUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        refused=refusal(request),
    )
    if posted and form.is_valid():
        try:
            return start_preview(
                request, keep([form.cleaned_data["upload"]]), form.cleaned_data["year"]
            )
        except SaferplanError as exc:
            form.add_error(None, shown(exc.message))
    context = {"form": form, "max_file": mebibytes(settings.UPLOAD_MAX_FILE_BYTES)}
    return render(request, "web/plan_import.html", context, status=400 if form.errors else 200)


class Expired(Exception):
    """The upload is past the time it is kept for (its folder may be gone already)."""


def _upload(request: HttpRequest, upload: str) -> plan_uploads.PlanUpload:
    """The partnership's upload, found before roles are checked (another's is a 404); an
    expired one (judged from its id alone, so it tells nothing of whose it was) is deleted
    and raises :class:`Expired`."""
    try:
        found = plan_uploads.find(uploads_dir(), upload, request.partnership)  # type: ignore[attr-defined]
    except NotFoundError as exc:
        if upload_expiry.expired(upload):
            raise Expired from exc
        raise Http404 from exc
    require(permissions.can_edit_plan(request.user), EDIT_PLAN)
    if upload_expiry.expired(upload):
        plan_uploads.cancel(found)
        raise Expired
    return found


def _expired(request: HttpRequest, upload: str) -> HttpResponse:
    until = localtime(upload_expiry.kept_until(upload))
    messages.error(
        request,
        f"That upload expired at {until:%H:%M on %-d %B %Y} (uploads are kept for "
        f"{upload_expiry.keep_hours():g} hours). Nothing was imported: upload the file again.",
    )
    return redirect("plan_import")


def _start_again(request: HttpRequest, upload: plan_uploads.PlanUpload, why: str) -> HttpResponse:
    plan_uploads.cancel(upload)
    messages.error(request, f"{why} Nothing was imported: upload the file again.")
    return redirect("plan_import")


def plan_import_preview(request: HttpRequest, upload: str) -> HttpResponse:
    """What confirming would import, and how each action's lead was matched."""
    try:
        found = _upload(request, upload)
    except Expired:
        return _expired(request, upload)
    try:
        shown_preview = plan_uploads.preview(found, request.partnership)  # type: ignore[attr-defined]
    except SaferplanError as exc:
        return _start_again(request, found, shown(exc.message) + ".")
    return _render_preview(request, shown_preview, [])


@require_http_methods(["GET", "POST"])
def plan_import_confirm(request: HttpRequest, upload: str) -> HttpResponse:
    """Import the previewed file, if it is still the one previewed; then the plan (a GET,
    say from a bookmark, shows the preview again)."""
    if request.method == "GET":
        return plan_import_preview(request, upload)
    try:
        found = _upload(request, upload)
    except Expired:
        return _expired(request, upload)
    try:
        plan_uploads.check_unchanged(found)
    except SaferplanError as exc:
        return _start_again(request, found, shown(exc.message) + ".")
    try:
        done = plan_uploads.confirm(request.user, found, request.partnership)  # type: ignore[attr-defined]
    except SaferplanError as exc:
        return _refused(request, found, exc)
    if done.already_imported:
        messages.success(request, f"{found.name} was imported before: nothing was changed.")
        return redirect("plan_years")
    year: StrategyYear = done.year
    messages.success(request, f"The {year.label} plan was imported from {found.name}.")
    return redirect("plan", year_id=year.pk)


def _refused(
    request: HttpRequest, found: plan_uploads.PlanUpload, exc: SaferplanError
) -> HttpResponse:
    """The preview again, with why the import was refused (nothing was stored)."""
    try:
        again = plan_uploads.preview(found, request.partnership)  # type: ignore[attr-defined]
    except SaferplanError as reread:
        return _start_again(request, found, shown(reread.message) + ".")
    return _render_preview(request, again, [shown(exc.message)])


def _render_preview(
    request: HttpRequest, preview: plan_uploads.UploadPreview, errors: list[str]
) -> HttpResponse:
    context = {"preview": preview, "plan": preview.preview, "errors": errors,
               "can_manage": permissions.can_manage_partnership(request.user),
               "kept_until": upload_expiry.kept_until(preview.upload.id)}  # fmt: skip
    return render(request, "web/plan_import_preview.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def plan_import_cancel(request: HttpRequest, upload: str) -> HttpResponse:
    """Delete the upload; back to the plans (a GET shows the preview again)."""
    if request.method == "GET":
        return plan_import_preview(request, upload)
    try:
        found = _upload(request, upload)
    except Expired:
        return _expired(request, upload)
    plan_uploads.cancel(found)
    messages.success(request, f"The upload of {found.name} was cancelled; nothing was imported.")
    return redirect(reverse("plan_years"))
