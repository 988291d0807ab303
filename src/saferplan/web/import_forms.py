"""The forms of the imports pages: an upload (a kind and its files) and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from saferplan.core.errors import InputError
from saferplan.datastore.kinds import BY_KIND
from saferplan.web.uploads import check_zip, clean_name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data] if data else [single(None, initial)]
        return [single(data, initial)]


class UploadForm(forms.Form):
    """A kind the user may import, and its files: each a readable name, each zip checked."""

    kind = forms.ChoiceField(
        label="What the files hold",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the files hold",
                        "invalid_choice": "Select one of the kinds listed"},
    )  # fmt: skip
    upload = MultipleFileField(
        label="Files",
        help_text="One or more files: CSV files, or zip archives as police.uk serves them.",
        error_messages={"required": "Choose one or more files to upload",
                        "empty": "The file is empty"},
    )  # fmt: skip

    # The command line's options, for the kinds that take them (each importer checks its own).
    name = forms.CharField(
        label="Name of the data set", required=False, max_length=200,
        help_text="A population set or boundary set's name, e.g. ONS mid-2019 LSOA estimates",
    )  # fmt: skip
    year = forms.IntegerField(
        label="Year", required=False, min_value=1900, max_value=2100,
        help_text="The year the data refers to, where the file does not say",
        error_messages={"invalid": "Enter a year, like 2019"},
    )  # fmt: skip
    level = forms.ChoiceField(
        label="Area level", required=False,
        choices=[("", "From the file"), ("borough", "Borough"), ("ward", "Ward"), ("lsoa", "LSOA")],
    )  # fmt: skip
    crs = forms.CharField(
        label="Coordinate reference system", required=False, max_length=40,
        help_text="Of boundaries whose file does not say, e.g. EPSG:4326",
    )  # fmt: skip
    category = forms.CharField(
        label="Crime category", required=False, max_length=200,
        help_text="Of an LSOA annual file (otherwise from its name)",
    )  # fmt: skip
    source = forms.CharField(
        label="Publisher", required=False, max_length=200,
        help_text="Who published the data, recorded as provenance",
    )  # fmt: skip
    OPTIONS = ("name", "year", "level", "crs", "category", "source")

    def __init__(self, *args: Any, kinds: list[str], refused: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.fields["kind"].choices = [(k, _label(k)) for k in kinds]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.refused:  # stopped as it arrived: nothing of it was kept
            self.errors.pop("upload", None)
            self.add_error("upload", self.refused)
            return data
        files: list[UploadedFile] = data.get("upload") or []
        names = [clean_name(f.name or "") for f in files]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            self.add_error("upload", f"Two files are both called {twice[0]}: upload one of them")
        for upload, name in zip(files, names, strict=True):
            if name.lower().endswith(".zip") and not self.has_error("upload"):
                try:
                    check_zip(upload)
                except InputError as exc:
                    self.add_error("upload", exc.message[:1].upper() + exc.message[1:])
        return data

    def options(self) -> dict[str, Any]:
        """The options given, as ``run_import`` takes them (those left empty left out)."""
        given = {k: self.cleaned_data.get(k) for k in self.OPTIONS}
        return {k: v for k, v in given.items() if v not in (None, "")}


def _label(kind: str) -> str:
    declared = BY_KIND[kind]
    return f"{kind}: {declared.summary.rstrip('.')}"


class ImportFilterForm(forms.Form):
    """The imports page's filters, from its query string."""

    kind = forms.ChoiceField(label="Kind", required=False)
    who = forms.ChoiceField(label="Imported by", required=False)
    since = forms.DateField(
        label="From", required=False, help_text="For example, 2026-11-01",
        error_messages={"invalid": "Enter a real date, like 2026-11-01"},
    )  # fmt: skip
    until = forms.DateField(
        label="To", required=False, help_text="For example, 2026-11-30",
        error_messages={"invalid": "Enter a real date, like 2026-11-30"},
    )  # fmt: skip

    def __init__(self, *args: Any, kinds: list[str], people: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, anything, known in (("kind", "Any kind", kinds), ("who", "Anyone", people)):
            asked = self.data.get(name, "") if self.is_bound else ""
            if asked and asked not in known:  # a saved link's filter: it matches nothing now
                known = [*known, asked]
            choices = [("", anything), *((v, v) for v in known)]
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be on or after the start date")
        return data
