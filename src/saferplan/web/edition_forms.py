"""Forms of an edition's route, comments and responses, and of a partnership's routes.
They only collect and check what people type; ``editions.steps``, ``editions.comments``
and ``editions.routes`` decide and record."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplan.accounts.models import Role
from saferplan.editions.models import Comment

DATE_HINT = "For example, 2019-07-17"
DATE_ERRORS = {"required": "Enter the date", "invalid": "Enter a real date, like 2019-07-17"}


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, help_text=DATE_HINT, error_messages=DATE_ERRORS, **kwargs)


class DecisionForm(forms.Form):
    """The decision that moves an edition on (or returns it): as the body's minutes say."""

    body = forms.CharField(
        label="Body",
        max_length=200,
        help_text="The committee, board or organisation that decided",
        error_messages={"required": "Enter the body that decided"},
    )
    meeting_date = _date("Meeting date")
    agenda_item = forms.CharField(
        label="Agenda item", max_length=200, required=False, help_text="For example, Item 8"
    )
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As minuted, e.g. approved, delegating minor "
        "amendments to the Corporate Director",
    )
    state = forms.CharField(widget=forms.HiddenInput)  # the state the page was opened at


class AdvanceForm(DecisionForm):
    key_decision = forms.BooleanField(label="This was a key decision", required=False)
    amendments = forms.CharField(
        label="Minor amendments made under delegation",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, if any were made as part of this decision",
    )
    amended_by = forms.CharField(
        label="Who made the minor amendments",
        required=False,
        max_length=200,
        help_text="For example, Corporate Director, People Services",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amendments", "").strip() and not data.get("amended_by", "").strip():
            self.add_error("amended_by", "Enter who made the minor amendments")
        return data

    def amendment_lines(self) -> list[str]:
        text = self.cleaned_data.get("amendments", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class ReturnForm(DecisionForm):
    to_state = forms.ChoiceField(
        label="Return it to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select where it goes back to"},
    )

    def __init__(self, *args: Any, states: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = states  # type: ignore[attr-defined]


class AmendmentForm(forms.Form):
    step = forms.TypedChoiceField(
        label="The decision that delegated it",
        coerce=int,
        error_messages={"required": "Select the decision"},
    )
    text = forms.CharField(
        label="What was amended",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was amended"},
    )
    made_by = forms.CharField(
        label="Made by",
        max_length=200,
        help_text="Who made it, under the delegation",
        error_messages={"required": "Enter who made it"},
    )
    made_on = _date("Date made", required=False)

    def __init__(self, *args: Any, steps: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    source_kind = forms.ChoiceField(
        label="Who made the comment",
        choices=Comment.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made it"},
    )
    source_name = forms.CharField(
        label="Their name",
        max_length=200,
        help_text="For example, Overview and Scrutiny Committee",
        error_messages={"required": "Enter who made the comment"},
    )
    section = forms.ChoiceField(
        label="Section",
        required=False,
        help_text="Leave as the whole document if it is not about one",
    )
    text = forms.CharField(
        label="Comment",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the comment"},
    )
    raised_on = _date("Date made")
    owner = forms.TypedChoiceField(
        label="Response owner",
        coerce=int,
        help_text="Who answers it",
        error_messages={"required": "Select who owns the response"},
    )
    due_on = _date("Response due")

    def __init__(
        self, *args: Any, sections: list[str], owners: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "The whole document"), *((s, s) for s in sections)]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [("", "Choose…"), *owners]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raised, due = data.get("raised_on"), data.get("due_on")
        if raised and due and due < raised:
            self.add_error("due_on", "The response cannot be due before the comment was made")
        return data


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Response",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the response"},
    )
    changed = forms.TypedChoiceField(
        label="Was the document changed?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether the document was changed"},
    )
    change_note = forms.CharField(
        label="The change made, or why none was",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the change made, or why none was"},
    )
    responded_on = _date("Date of the response")
    version = forms.IntegerField(widget=forms.HiddenInput)


ROLE_CHOICES = Role.choices


class RouteStepForm(forms.Form):
    """One state of a route (the formset's order decides its place)."""

    state = forms.CharField(
        label="State",
        max_length=40,
        required=False,
        help_text="A short key: lower-case letters, digits and hyphens",
    )
    label = forms.CharField(label="Label", max_length=100, required=False)
    body = forms.CharField(label="Usual body", max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label="Who may record it",
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BaseRouteFormSet(forms.BaseFormSet):
    def filled(self) -> list[forms.Form]:
        """The rows kept, in the order asked for (a blank new row is no step)."""
        kept = []
        for form in self.ordered_forms if self.can_order else self.forms:
            data = form.cleaned_data
            if self.can_delete and data.get("DELETE"):
                continue
            if not (data.get("state") or data.get("label")):
                continue
            kept.append(form)
        return kept


def route_formset(data: Any, initial: list[dict[str, Any]]) -> BaseRouteFormSet:
    """A route's steps as rows, one blank row to add a step; each can be reordered or removed."""
    factory = forms.formset_factory(
        RouteStepForm, formset=BaseRouteFormSet, extra=1, can_order=True, can_delete=True
    )
    formset = factory(data, initial=initial, prefix="step")
    assert isinstance(formset, BaseRouteFormSet)
    return formset
