"""Manage > Themes and Manage > Comparator groups: a partnership's own, edited in the app.

Each page shows what is in force as a table, and takes new TOML (typed, or a file
uploaded) checked by the same code as the shipped files (``definitions.service``): a bad
save shows the file's own error (its line, or its theme or group and key) and keeps
nothing. Every save is a new version, with who and when; the defaults can be restored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from saferplan.core.errors import SaferplanError
from saferplan.definitions import service
from saferplan.web.admin_views import _problem, _require_admin

PAGES: dict[str, str] = {service.Kind.THEMES: "themes", service.Kind.COMPARATORS: "comparators"}


class DefinitionsForm(forms.Form):
    text = forms.CharField(
        label="TOML",
        required=False,
        strip=False,
        max_length=service.MAX_BYTES,
        help_text="Edit the whole file; it is checked exactly as the shipped file is.",
    )
    upload = forms.FileField(label="Or upload a file instead", required=False)
    note = forms.CharField(label="What changed (optional)", required=False, max_length=300)

    def submitted_text(self) -> str:
        """The uploaded file's text if one came, else the textarea's."""
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return str(self.cleaned_data.get("text") or "")
        if upload.size > service.MAX_BYTES:
            raise SaferplanError(f"{upload.name} is larger than {service.MAX_BYTES // 1000} kB")
        try:
            return bytes(upload.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SaferplanError(f"{upload.name} is not UTF-8 text") from None


def _rows(kind: str, parsed: Any) -> list[dict[str, Any]]:
    """What the table shows: per theme its title, group, direction and categories per
    source; per comparator group its title, level and members."""
    if kind == service.Kind.THEMES:
        return [
            {"title": t.title, "group": t.group, "direction": t.direction, "unit": t.unit,
             "sources": [(s, ", ".join(f.include), ", ".join(f.exclude))
                         for s, f in t.filters.items()]}
            for t in parsed.themes.values()
        ]  # fmt: skip
    return [
        {"title": g.title, "key": g.key, "level": g.level,
         "members": "every area" if g.members is None else ", ".join(g.members)}
        for g in parsed.values()
    ]  # fmt: skip


def _context(request: HttpRequest, kind: str, form: DefinitionsForm) -> dict[str, Any]:
    partnership = request.partnership  # type: ignore[attr-defined]
    text = service.text_in_force(partnership, kind)
    version = service.latest(partnership, kind)
    return {
        "kind": kind,
        "page": PAGES[kind],
        "label": service.Kind(kind).label,
        "form": form,
        "rows": _rows(kind, service.check(kind, text, service.FILENAMES[kind], skip_data=True)),
        "own": version is not None and not version.is_default,
        "sha256": service.sha256(text),
        "history": service.history(partnership, kind),
    }


@require_http_methods(["GET", "POST"])
def definitions(request: HttpRequest, kind: str) -> HttpResponse:
    """The themes or comparator groups in force; save new ones, or restore the defaults."""
    _require_admin(request)
    partnership = request.partnership  # type: ignore[attr-defined]
    initial = {"text": service.text_in_force(partnership, kind)}
    if request.method == "POST" and "restore" in request.POST:
        try:
            service.restore_defaults(partnership, kind, by=request.user)
        except SaferplanError as exc:
            form = DefinitionsForm(initial)  # bound to the text in force, to say why
            form.is_valid()
            form.add_error(None, _problem(exc))
            return render(request, f"web/{PAGES[kind]}.html", _context(request, kind, form),
                          status=400)  # fmt: skip
        messages.success(request, f"The shipped {service.Kind(kind).label.lower()} are in force.")
        return redirect(PAGES[kind])
    form = DefinitionsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.save(partnership, kind, form.submitted_text(),
                         note=form.cleaned_data["note"], by=request.user)  # fmt: skip
        except SaferplanError as exc:
            form.add_error("upload" if request.FILES else "text", _problem(exc))
        else:
            messages.success(request, f"The {service.Kind(kind).label.lower()} are saved.")
            return redirect(PAGES[kind])
    status = 400 if form.errors else 200
    template = f"web/{PAGES[kind]}.html"
    return render(request, template, _context(request, kind, form), status=status)


@require_GET
def definitions_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The TOML in force, as a file to edit and upload again."""
    _require_admin(request)
    text = service.text_in_force(request.partnership, kind)  # type: ignore[attr-defined]
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{service.FILENAMES[kind]}"'
    return response
