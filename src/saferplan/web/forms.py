"""Forms. Every form renders through ``web/form.html``: GOV.UK labels, hints, error summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts

from saferplan.accounts.models import Organisation
from saferplan.plans.models import RAG_MEANING, Action, Disposition, Measure, Rag


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
    tags = forms.MultipleChoiceField(
        label="Tags",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The documents and themes the action is reported under",
        error_messages={"invalid_choice": "Select the tags from the list"},
    )
    measures: forms.ModelMultipleChoiceField[Measure] = forms.ModelMultipleChoiceField(
        label="Outcome measures it should move",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Measures of this plan year",
        error_messages={"invalid_choice": "Select the measures from the list"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: object,
        organisations: object = None,
        measures: object = None,
        tags: Sequence[str] = (),
        **kwargs: object,
    ) -> None:
        """``measures``: those of the plan year; ``tags``: the action's own, offered beside
        the tags the documents read (a tag set from the command line is kept unless unticked)."""
        from saferplan.plans.links import KNOWN_TAGS

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lead_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["measures"].queryset = measures  # type: ignore[attr-defined]
        offered = list(dict.fromkeys([*KNOWN_TAGS, *tags]))
        self.fields["tags"].choices = [(t, t) for t in offered]  # type: ignore[attr-defined]


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


class YearEndForm(forms.Form):
    """A disposition for every action of a plan, and the year to carry continued ones into.

    Each action's select is ``disposition-<id>``, with the version the page showed in
    ``version-<id>``, so a decision made meanwhile by someone else is not overwritten.
    """

    next_label = forms.CharField(
        label="Carry continued actions into the plan for",
        required=False,
        max_length=7,
        help_text="For example, 2020/21",
    )

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = actions
        choices = [("", "Not decided"), *Disposition.choices]
        for action in actions:
            self.fields[f"disposition-{action.pk}"] = forms.ChoiceField(
                label=f"Disposition of action {action.reference or action.pk}",
                choices=choices,
                required=False,
                initial=action.disposition,
                error_messages={"invalid_choice": "Choose Continue, Complete or Remove"},
            )
            self.fields[f"version-{action.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=action.version
            )
        self.carrying = bool(self.data.get("carry_over")) if self.is_bound else False

    def chosen(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data[f"disposition-{a.pk}"] for a in self.actions}

    def versions(self) -> dict[int, int]:
        found = {a.pk: self.cleaned_data.get(f"version-{a.pk}") for a in self.actions}
        return {pk: v for pk, v in found.items() if v is not None}

    def clean(self) -> dict[str, Any]:
        from saferplan.core.errors import SaferplanError
        from saferplan.plans.importing import check_label

        cleaned = super().clean() or {}
        for action in self.actions:
            name = f"disposition-{action.pk}"
            if name not in self.data:  # not on the form sent: left as it is
                cleaned[name] = action.disposition
        if not self.carrying:
            return cleaned
        label = (cleaned.get("next_label") or "").strip()
        if not label:
            self.add_error("next_label", "Enter the plan year to carry into, like 2020/21")
        else:
            try:
                cleaned["next_label"] = check_label(label)
            except SaferplanError:
                self.add_error("next_label", "Enter the plan year like 2020/21")
        undecided = [a for a in self.actions if not cleaned.get(f"disposition-{a.pk}")]
        if undecided:
            self.add_error(
                f"disposition-{undecided[0].pk}",
                f"Give every action a disposition before carrying over: {len(undecided)} "
                f"{'has' if len(undecided) == 1 else 'have'} none",
            )
        return cleaned


class LeadForm(forms.Form):
    """Settle an unmatched lead: which organisation it is."""

    lead = forms.CharField(widget=forms.HiddenInput, max_length=300)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        error_messages={"required": "Choose the organisation this lead belongs to"},
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


def _names(text: str) -> list[str]:
    """A comma-separated list, as the command line's --comparators takes it."""
    return [n.strip() for n in text.split(",") if n.strip()]


class PartnershipSettingsForm(forms.Form):
    """A partnership's settings; checked against the data by ``set_partnership``."""

    areas = forms.CharField(
        label="Areas",
        max_length=1000,
        help_text="Boroughs or local authorities as the crime data names them, separated by "
        "commas; several for a joint partnership. The first is what documents are about.",
        error_messages={"required": "Enter at least one area"},
    )
    youth_justice_area = forms.CharField(
        label="Youth justice service's area",
        required=False,
        max_length=100,
        help_text="Leave blank if the partnership has no youth justice service.",
    )
    comparators = forms.CharField(
        label="Default comparators",
        required=False,
        max_length=1000,
        help_text="Areas or comparator groups documents compare with, separated by commas, "
        "for example Barnet, Brent, London.",
    )
    youth_population_set = forms.CharField(
        label="Youth population set",
        required=False,
        max_length=200,
        help_text="The name of the population set youth justice rates use. Leave blank for "
        "the newest imported.",
    )

    def clean_areas(self) -> list[str]:
        return _names(self.cleaned_data["areas"])

    def clean_comparators(self) -> list[str]:
        return _names(self.cleaned_data["comparators"])


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=Organisation.Kind.choices,
        error_messages={"required": "Select the kind of organisation"},
    )
    aliases = forms.CharField(
        label="Aliases",
        required=False,
        max_length=500,
        help_text="Words that name it in the lead column of imported plans, separated by "
        "commas, for example police, met, mps.",
    )


def _roles_field() -> forms.MultipleChoiceField:
    from saferplan.accounts.models import Role

    return forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one role"},
    )


class MembershipForm(forms.Form):
    """A member's organisation and roles in this partnership."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation they work for"},
    )
    roles = _roles_field()

    def __init__(self, *args: object, organisations: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MemberAddForm(MembershipForm):
    """A new user, or one of another partnership who joins this one."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they sign in with: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter a username"},
    )
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        help_text="If they already work in another partnership, the email address their "
        "account has.",
        error_messages={"required": "Enter their email address",
                        "invalid": "Enter an email address like name@example.org"},
    )  # fmt: skip
    field_order = ["username", "full_name", "email", "organisation", "roles"]

    def clean_username(self) -> str:
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        for validator in get_user_model()._meta.get_field("username").validators:
            validator(username)
        return username


class AuditFilterForm(forms.Form):
    """The audit trail's filters; the lists hold what the partnership's trail holds."""

    who = forms.ChoiceField(label="Who", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    model = forms.ChoiceField(label="Kind of record", required=False)
    object_id = forms.CharField(
        label="Record id", required=False, max_length=64, help_text="For example, 12"
    )
    since = forms.DateField(
        label="From", required=False, help_text="For example, 2026-12-01",
        error_messages={"invalid": "Enter a real date, like 2026-12-01"},
    )  # fmt: skip
    until = forms.DateField(
        label="To", required=False, help_text="For example, 2026-12-31",
        error_messages={"invalid": "Enter a real date, like 2026-12-31"},
    )  # fmt: skip

    def __init__(self, *args: object, values: dict[str, list[str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        anything = {"who": "Anyone", "action": "Any action", "model": "Any kind"}
        for name, label in anything.items():
            known = list(values[name])
            asked = self.data.get(name, "") if self.is_bound else ""
            if asked and asked not in known:  # a saved link's filter: it matches nothing now
                known.append(asked)
            field = self.fields[name]
            field.choices = [("", label), *((v, v) for v in known)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be the same as or after the start date")
        return cleaned


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form (the validators, both entries matching), with help in
    plain words rather than Django's HTML list."""

    error_messages = {"password_mismatch": "The two passwords do not match"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "New password", "Confirm new password"
        first.help_text = " ".join(password_validators_help_texts())
        second.help_text = "Type the same password again."
        first.error_messages["required"] = "Enter a new password"
        second.error_messages["required"] = "Confirm the new password"
