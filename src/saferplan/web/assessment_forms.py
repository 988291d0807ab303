"""The form that asks for a Strategic Assessment: its choices checked as the CLI checks them.

Area, period and comparators are checked against the warehouse by the same functions the
build calls first (so a mistake is shown on the form, not found later by the job); the
themes are the declared ones. Defaults come from the partnership's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from saferplan.core.errors import SaferplanError
from saferplan.editions.models import Variant


def _sentence(exc: SaferplanError) -> str:
    message = exc.message[:1].upper() + exc.message[1:]
    return f"{message}. {exc.hint}" if exc.hint else message


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class AssessmentForm(forms.Form):
    area = forms.ChoiceField(
        label="Area",
        help_text="The partnership's areas first, then every borough the data knows.",
        error_messages={"required": "Select the area the assessment is about"},
    )
    year = forms.CharField(
        label="Year or period",
        max_length=20,
        help_text="A calendar year such as 2018, a financial year such as 2018-19, or 12 "
        "months to a month such as 12M-2019-03. It is compared with the year before.",
        error_messages={"required": "Enter the year or period the assessment covers"},
    )
    comparators = forms.CharField(
        label="Comparators",
        max_length=1000,
        help_text="Areas or comparator groups, separated by commas, for example "
        "Barnet, Brent, London.",
        error_messages={"required": "Enter at least one area or group to compare with"},
    )
    edition = forms.ChoiceField(
        label="Edition",
        choices=Variant.choices,
        widget=forms.RadioSelect,
        help_text="Public: small numbers suppressed, fit to publish. Restricted: every number "
        "as counted, for analysts and admins only.",
        error_messages={"required": "Select an edition"},
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        widget=forms.CheckboxSelectMultiple,
        help_text="With every theme ticked, themes without figures are left out and listed; "
        "with some, each one ticked must have figures.",
        error_messages={"required": "Select at least one theme"},
    )

    def __init__(
        self,
        *args: Any,
        partnership: Any,
        data_areas: list[str],
        themes: dict[str, str],
        connect: Callable[[], Any],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"area": partnership.area, "comparators": ", ".join(partnership.comparators),
             "edition": Variant.PUBLIC, "themes": list(themes)},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        self._connect = connect
        areas = list(dict.fromkeys([*partnership.areas, *sorted(data_areas)]))
        self.fields["area"].choices = [(a, a) for a in areas]  # type: ignore[attr-defined]
        self.fields["themes"].choices = list(themes.items())  # type: ignore[attr-defined]
        self.every_theme = list(themes)

    def clean(self) -> dict[str, Any]:
        """Refuse what the build would refuse at once: an area, period or comparator the
        data does not have (the same functions, on the same warehouse)."""
        from saferplan.core.periods import parse_period
        from saferplan.crime.comparisons import resolve_comparators
        from saferplan.crime.queries import require_months
        from saferplan.geography.areas import resolve_area

        data = super().clean() or {}
        if self.errors:
            return data
        con = self._connect()
        try:
            subject = resolve_area(con, data["area"], "borough")
        except SaferplanError as exc:
            self.add_error("area", _sentence(exc))
            return data
        try:
            period = parse_period(data["year"])
            require_months(con, "borough", [period, period.shifted_years(-1)], subject.name)
        except SaferplanError as exc:
            self.add_error("year", _sentence(exc))
        if not _names(data["comparators"]):
            self.add_error("comparators", self.fields["comparators"].error_messages["required"])
            return data
        try:
            resolve_comparators(con, _names(data["comparators"]), "borough")
        except SaferplanError as exc:
            self.add_error("comparators", _sentence(exc))
        return data

    def job_arguments(self) -> dict[str, Any]:
        """The ``build-assessment`` job's arguments; every theme ticked is the CLI's default
        (themes without figures left out), some of them is ``--themes``."""
        data = self.cleaned_data
        themes = list(data["themes"])
        return {
            "area": data["area"],
            "year": data["year"].strip(),
            "comparators": _names(data["comparators"]),
            "edition": data["edition"],
            "themes": None if set(themes) == set(self.every_theme) else themes,
        }
