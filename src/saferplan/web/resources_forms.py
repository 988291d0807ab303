"""Forms for the resources lines and the risk register, rendered through ``web/field.html``
(GOV.UK labels, hints, errors and the error summary). Amounts, FTE and the controlled
lists are read by the very functions the imports use, so ``£677,994`` means the same typed
here as in a file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from saferplan.resources import values
from saferplan.resources.values import (
    AGENCIES,
    CONTRACTS,
    IMPACT_LABELS,
    LIKELIHOOD_LABELS,
    RISK_STATUSES,
    SEXES,
)

YES_NO = [("no", "No"), ("yes", "Yes")]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AmountField(forms.CharField):
    """Pounds as people write them (``£677,994``, ``1,234.50``); blank is 0."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "In pounds, for example £66,231 (leave blank for none)")
        super().__init__(max_length=30, **kwargs)

    def clean(self, value: Any) -> Decimal:
        text = super().clean(value) or ""
        amount = values.parse_amount(text)
        if amount is None:
            raise forms.ValidationError(values.amount_problem(text)[:200])
        return amount


class VersionedForm(forms.Form):
    """Carries the version of the record it was opened on: a later save by someone else is
    a conflict, not lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def values(self) -> dict[str, Any]:
        """The record's new values (everything but the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class BudgetLineForm(VersionedForm):
    agency = forms.ChoiceField(
        label="Agency",
        choices=[(a.key, a.label) for a in AGENCIES],
        widget=forms.RadioSelect,
        help_text="The YJB youth justice grant is its own line, never part of another.",
        error_messages={"required": "Select the agency"},
    )
    label = forms.CharField(
        label="Line as the plan prints it",
        max_length=300,
        required=False,
        help_text="For example, Health Service - jointly funded CAMHS post",
    )
    staffing_costs = AmountField(label="Staffing costs")
    payments_in_kind = AmountField(label="Payments in kind")
    other_delegated_funds = AmountField(label="Other delegated funds")
    note = forms.CharField(
        label="Note",
        max_length=500,
        required=False,
        help_text="For example, 2 x FTE police officers",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency = values.AGENCY.get(data.get("agency", ""))
        if agency is None:
            return data
        data["label"] = data.get("label") or agency.label
        text = f"{data['label']} {data.get('note', '')}"
        if agency.key != values.YJB_GRANT and values.says_it_includes_the_grant(text):
            self.add_error(
                "label",
                "The YJB grant is its own line: give this line net of the "
                "grant, and the grant as a line of its own",
            )
        return data


class GrantLineForm(VersionedForm):
    area_of_delivery = forms.CharField(
        label="Area of delivery",
        max_length=200,
        error_messages={"required": "Enter the area of delivery"},
    )
    activity = forms.CharField(
        label="Activity", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = AmountField(label="Associated costs")


def _yes(value: str) -> bool:
    return value == "yes"


class StaffPostForm(VersionedForm):
    post = forms.CharField(
        label="Post", max_length=200, error_messages={"required": "Enter the post"}
    )
    contract = forms.ChoiceField(
        label="Contract",
        choices=CONTRACTS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the contract"},
    )
    part_time = forms.TypedChoiceField(
        label="Part time", choices=YES_NO, coerce=_yes, widget=forms.RadioSelect, initial="no"
    )
    fte = forms.CharField(
        label="FTE",
        max_length=10,
        required=False,
        help_text="Full-time equivalent, more than 0 and at most 1, e.g. 0.6 "
        "(blank if not recorded)",
    )
    start_date = forms.DateField(
        label="Start date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 2019-08-01",
        error_messages={"invalid": "Enter a real date, like 2019-08-01"},
    )
    vacant = forms.TypedChoiceField(
        label="Vacant", choices=YES_NO, coerce=_yes, widget=forms.RadioSelect, initial="no"
    )
    sex = forms.ChoiceField(
        label="Sex", choices=SEXES, widget=forms.RadioSelect, initial="not_recorded"
    )
    ethnicity = forms.CharField(
        label="Ethnicity",
        max_length=100,
        required=False,
        help_text="As recorded, for example White British",
    )
    note = forms.CharField(label="Note", max_length=500, required=False)

    def clean_fte(self) -> Decimal | None:
        text = self.cleaned_data.get("fte") or ""
        fte = values.parse_fte(text) if text else None
        if text and fte is None:
            raise forms.ValidationError("Enter the FTE as a number more than 0 and at most 1")
        return fte

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        group = values.ethnic_group_of(data.get("ethnicity", ""))
        if group is None:
            self.add_error(
                "ethnicity",
                "Start the ethnicity with its ONS group, e.g. White British or Black Caribbean",
            )
        data["ethnic_group"] = group or "Not known"
        if data.get("vacant") and (
            data.get("sex", "not_recorded") != "not_recorded" or data.get("ethnicity")
        ):
            self.add_error(
                "vacant", "A vacant post has no one in it: leave sex and ethnicity not recorded"
            )
        if data.get("fte") is not None and data["fte"] < 1:
            data["part_time"] = True
        return data


class ActionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference or obj.pk}: {obj.text[:100]}"


class FundingStreamForm(VersionedForm):
    stream = forms.CharField(
        label="Funding stream",
        max_length=200,
        help_text="For example, London Crime Prevention Fund",
        error_messages={"required": "Enter the funding stream"},
    )
    project = forms.CharField(label="Project", max_length=300, required=False)
    cash = AmountField(label="Cash")
    in_kind = AmountField(label="In kind")
    note = forms.CharField(label="Note", max_length=500, required=False)
    actions = ActionChoices(
        label="Delivery plan actions it funds",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, actions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions  # type: ignore[attr-defined]


class RiskForm(VersionedForm):
    risk = forms.CharField(
        label="Risk",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the risk"},
    )
    cause = forms.CharField(
        label="Cause", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consequence = forms.CharField(
        label="Consequence",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, f"{n} – {label}") for n, label in LIKELIHOOD_LABELS.items()],
        error_messages={"required": "Select the likelihood"},
    )
    impact = forms.TypedChoiceField(
        label="Impact",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, f"{n} – {label}") for n, label in IMPACT_LABELS.items()],
        error_messages={"required": "Select the impact"},
    )
    owner = forms.CharField(label="Owner", max_length=200, required=False)
    mitigation = forms.CharField(
        label="Mitigation",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = forms.DateField(
        label="Next review",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 2019-09-30",
        error_messages={"invalid": "Enter a real date, like 2019-09-30"},
    )
    status = forms.ChoiceField(
        label="Status", choices=RISK_STATUSES, widget=forms.RadioSelect, initial="open"
    )
    review_note = forms.CharField(
        label="What this review found",
        max_length=500,
        required=False,
        help_text="Kept with the review when the ratings or status change",
    )

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in super().values().items() if k != "review_note"}


class NewRiskForm(RiskForm):
    reference = forms.RegexField(
        label="Reference",
        max_length=20,
        required=False,
        regex=r"^[A-Za-z0-9][A-Za-z0-9./_-]*$",
        help_text="For example, R6 (leave blank for the next number)",
        error_messages={"invalid": "Use letters and digits (and . / _ - between them)"},
    )
    field_order = ["reference"]


class CloseRiskForm(VersionedForm):
    review_note = forms.CharField(label="Why it is closed", max_length=500, required=False)
