"""Forms. Every form renders through ``web/form.html``: GOV.UK labels, hints, error summary."""

from __future__ import annotations

from django import forms

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
