"""Forms. Every form renders through ``web/form.html``: GOV.UK labels, hints, error summary."""

from __future__ import annotations

from django import forms

from saferplan.accounts.models import Organisation
from saferplan.plans.models import RAG_MEANING, Rag


class ProgressUpdateForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        help_text="Red: problems need addressing. Amber: slightly behind target. "
        "Green: on track or completed.",
        error_messages={"required": "Select a RAG rating"},
    )
    text = forms.CharField(
        label="Update on progress",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done since the last update, and what comes next.",
        max_length=5000,
        error_messages={"required": "Enter an update on progress"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def rag_meanings(self) -> dict[str, str]:
        return {str(k): v for k, v in RAG_MEANING.items()}


class ActionForm(forms.Form):
    """Editing an action (analysts and admins). ``version`` guards against lost updates."""

    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action"},
    )
    measures_targets = forms.CharField(
        label="Measures and targets", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_point_text = forms.CharField(
        label="Review point",
        required=False,
        max_length=200,
        help_text='As the plan shows it, e.g. "March 2020" or "Ongoing"',
    )
    review_date = forms.DateField(
        label="Review date",
        required=False,
        help_text="For example, 2020-03-31",
        error_messages={"invalid": "Enter a real date, like 2020-03-31"},
    )
    lead_text = forms.CharField(
        label="Lead", required=False, max_length=300, help_text="Person, role and organisation"
    )
    partners = forms.CharField(label="Partners", required=False, max_length=300)
    funding_source = forms.CharField(
        label="Funding source", required=False, max_length=100, help_text="For example, LCPF"
    )
    funding_amount = forms.DecimalField(
        label="Funding amount (£)",
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": "Enter an amount in pounds"},
    )
    lead_organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Lead organisation", queryset=None, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, organisations: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lead_organisation"].queryset = organisations  # type: ignore[attr-defined]


class MeasureActualForm(forms.Form):
    """A typed-in actual for a measure that is not computed from crime data."""

    period = forms.CharField(
        label="Period",
        max_length=30,
        help_text="For example, 2019/20",
        error_messages={"required": "Enter the period"},
    )
    value = forms.DecimalField(
        label="Value",
        max_digits=14,
        decimal_places=2,
        error_messages={"required": "Enter the value", "invalid": "Enter a number"},
    )
