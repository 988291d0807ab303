"""The staff forms: each renders through ``governance/form_fields.html`` (GOV.UK labels,
hints, error summary). Choices of people and plan actions come from the partnership in
scope only, so another partnership's ids are refused as invalid choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership
from saferplan.governance import models as m

DATE_HELP = "For example, 2019-06-21"
DATE_ERRORS = {"invalid": "Enter a real date, like 2019-06-21"}


def partnership_users() -> Any:
    """Users with a membership of the partnership in scope."""
    ids = Membership.objects.values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=list(ids)).order_by("username")


def _date(label: str, required: bool = True, help_text: str = DATE_HELP) -> forms.DateField:
    messages = {**DATE_ERRORS, "required": f"Enter the {label.lower()}"}
    return forms.DateField(
        label=label, required=required, help_text=help_text, error_messages=messages
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def _owner(label: str) -> UserChoice:
    return UserChoice(
        label=label,
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Their home page flags it when it is overdue",
    )


class VersionedForm(forms.ModelForm):
    """Carries the record's version: a save over someone else's newer one is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuestionForm(VersionedForm):
    raised_on = _date("Date raised")
    due_on = _date("Answer due by", required=False)
    answered_on = _date("Date answered", required=False)
    owner = _owner("Officer who owns the answer")

    class Meta:
        model = m.Question
        fields = ["forum", "raised_on", "raised_by", "question", "answerer", "owner", "due_on",
                  "status", "answer", "answered_on"]  # fmt: skip
        labels = {"forum": "Meeting or committee", "raised_by": "Raised by",
                  "answerer": "Who answers", "answer": "Answer given"}  # fmt: skip
        error_messages = {
            "forum": {"required": "Enter the meeting or committee"},
            "raised_by": {"required": "Enter who raised it"},
            "question": {"required": "Enter the question or challenge"},
            "answerer": {"required": "Enter who answers"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partnership_users()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == m.Question.Status.ANSWERED and not data.get("answer"):
            self.add_error("answer", "Enter the answer given, or keep it awaiting an answer")
        return data


class AnswerQuestionForm(VersionedForm):
    """What the officer who owns a question may change: the answer and its date."""

    answered_on = _date("Date answered")

    class Meta:
        model = m.Question
        fields = ["answer", "answered_on"]
        labels = {"answer": "Answer given"}
        error_messages = {"answer": {"required": "Enter the answer given"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True


class BodyForm(forms.ModelForm):
    secretary = UserChoice(
        label="Secretary",
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Records its meetings, with the partnership's admins",
    )

    class Meta:
        model = m.Body
        fields = ["name", "kind", "purpose", "secretary"]
        labels = {"kind": "Kind of body"}
        error_messages = {"name": {"required": "Enter the body's name"},
                          "kind": {"required": "Choose the kind of body"}}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = partnership_users()  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        others = m.Body.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("There is already a body with this name")
        return name


class MemberForm(forms.ModelForm):
    starts_on = _date("Member from", required=False)
    ends_on = _date("Member to", required=False, help_text="Empty while they are a member")

    class Meta:
        model = m.BodyMember
        fields = ["person", "role", "organisation", "starts_on", "ends_on"]
        labels = {"role": "Role on the body", "organisation": "Organisation they represent"}
        help_texts = {"role": "For example, Chair or Deputy Chair"}
        error_messages = {"person": {"required": "Enter the member's name"},
                          "organisation": {"required": "Enter the organisation"}}  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end must be on or after the start")
        return data


class MeetingForm(forms.ModelForm):
    held_on = _date("Date of the meeting")

    class Meta:
        model = m.Meeting
        fields = ["held_on", "title", "notes"]


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = m.AgendaItem
        fields = ["number", "title", "notes"]
        labels = {"number": "Item number", "notes": "Discussion and decisions"}
        error_messages = {"number": {"required": "Enter the item number",
                                     "invalid": "Enter a whole number"},
                          "title": {"required": "Enter the item's title"}}  # fmt: skip


def _scoped_choice(label: str) -> forms.ModelChoiceField:
    """A choice among a partnership's records: the queryset is set per form, in scope."""
    return forms.ModelChoiceField(label=label, queryset=None, required=False)


class MeetingActionForm(VersionedForm):
    due_on = _date("Due by", required=False)
    owner = _owner("Owner's account")
    agenda_item = _scoped_choice("Agenda item")
    plan_action = _scoped_choice("Delivery plan action it carries forward")

    class Meta:
        model = m.MeetingAction
        fields = ["text", "agenda_item", "owner_text", "owner", "due_on", "status", "plan_action"]
        labels = {"text": "Action", "agenda_item": "Agenda item", "owner_text": "Owner",
                  "plan_action": "Delivery plan action it carries forward"}  # fmt: skip
        error_messages = {"text": {"required": "Enter the action"},
                          "owner_text": {"required": "Enter who owns it"}}  # fmt: skip

    def __init__(self, *args: Any, meeting: m.Meeting, **kwargs: Any) -> None:
        from saferplan.plans.models import Action

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partnership_users()  # type: ignore[attr-defined]
        self.fields["agenda_item"].queryset = meeting.agenda.all()  # type: ignore[attr-defined]
        self.fields["plan_action"].queryset = Action.objects.select_related(  # type: ignore[attr-defined]
            "objective"
        ).order_by("objective__code", "id")
        self.fields["plan_action"].label_from_instance = _plan_action_label  # type: ignore[attr-defined]


def _plan_action_label(action: Any) -> str:
    return f"{action.objective.code}: {action.text[:90]}"


class QuestionnaireForm(forms.ModelForm):
    closes_on = _date("Closing date", help_text="Answers are taken until the end of this day")

    class Meta:
        model = m.Questionnaire
        fields = ["title", "introduction", "privacy_notice", "closes_on", "open_link"]
        labels = {"open_link": "Anyone with the link may answer (else only single-use links)"}
        error_messages = {"title": {"required": "Enter the questionnaire's title"}}


OTHER_LABEL = "Offer \u201cOther: please specify\u201d"


class ItemForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Answers to choose from",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, for single and multiple choice (preferred channels offers "
        "Email, Website, Facebook, Twitter and WhatsApp group unless you list others)",
    )

    class Meta:
        model = m.QuestionnaireItem
        fields = ["number", "kind", "text", "hint", "allow_other", "required"]
        labels = {"kind": "Kind of question", "text": "Question", "allow_other":
                  OTHER_LABEL, "required": "An answer is required"}  # fmt: skip
        error_messages = {"number": {"required": "Enter the question's number"},
                          "text": {"required": "Enter the question"},
                          "kind": {"required": "Choose the kind of question"}}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(self.instance.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [c.strip() for c in str(data.get("choices_text", "")).splitlines() if c.strip()]
        if len(set(lines)) != len(lines):
            self.add_error("choices_text", "Each answer must be different")
        if data.get("kind") in ("single", "multiple") and len(lines) < 2:
            self.add_error("choices_text", "List at least two answers, one a line")
        if "other" in (c.lower() for c in lines):
            self.add_error(
                "choices_text", "Use \u201cOffer Other\u201d rather than an answer Other"
            )
        self.instance.choices = lines
        return data


class InvitationsForm(forms.Form):
    count = forms.IntegerField(
        label="How many single-use links",
        min_value=1,
        max_value=5000,
        error_messages={"required": "Enter how many links", "invalid": "Enter a whole number",
                        "min_value": "Make at least one link",
                        "max_value": "Make at most 5,000 links at a time"},
    )  # fmt: skip
    label = forms.CharField(
        label="Label", required=False, max_length=100,
        help_text="A group they are for, such as \u201cYouth parliament\u201d: never a name",
    )  # fmt: skip


class EventForm(forms.ModelForm):
    held_on = _date("Date", required=False, help_text=DATE_HELP + "; empty if undated")
    questionnaire = _scoped_choice("Questionnaire used")

    class Meta:
        model = m.ConsultationEvent
        fields = ["title", "kind", "held_on", "when_text", "audience", "heard", "questionnaire"]
        labels = {"title": "Event", "kind": "Kind of event", "when_text": "When, as worded",
                  "audience": "Audience", "heard": "What was heard",
                  "questionnaire": "Questionnaire used"}  # fmt: skip
        error_messages = {"title": {"required": "Enter the event"},
                          "kind": {"required": "Choose the kind of event"},
                          "audience": {"required": "Enter who took part"}}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = m.Questionnaire.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("held_on") and not data.get("when_text"):
            self.add_error("held_on", "Enter the date, or say when in words")
        return data


ATTENDANCE_CHOICES = [("", "Not recorded"), *m.Attendance.Status.choices]


class AttendanceForm(forms.Form):
    """A status (and deputy) per member sitting on the body on the meeting's day."""

    def __init__(self, *args: Any, members: list[m.BodyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"status-{member.pk}"] = forms.ChoiceField(
                label=str(member), choices=ATTENDANCE_CHOICES, required=False
            )
            self.fields[f"deputy-{member.pk}"] = forms.CharField(
                label=f"Deputy for {member.person}", required=False, max_length=200
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for member in self.members:
            if data.get(f"deputy-{member.pk}") and data.get(f"status-{member.pk}") != "deputy":
                self.add_error(f"deputy-{member.pk}", "Name a deputy only when one attended")
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"member": mb, "status": self[f"status-{mb.pk}"], "deputy": self[f"deputy-{mb.pk}"]}
            for mb in self.members
        ]
