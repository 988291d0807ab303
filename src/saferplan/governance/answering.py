"""Answering a questionnaire without an account: the form built from its items, the checks
against spam and double sending, and storing a response whole or not at all.

A response keeps the respondent's answers and the day, never their address; an email
address only when they consented to be contacted (a contact answer of Yes or Maybe), with
a withdrawal link of its own. A single-use link is used up in the same transaction that
stores its response, and which response it gave is not recorded.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from saferplan.governance.models import (
    Answer,
    Invitation,
    ItemKind,
    Questionnaire,
    QuestionnaireItem,
    Response,
)

SALT = "saferplan.governance.answer"
FORM_MAX_AGE = 24 * 60 * 60  # a form kept open longer than a day is given afresh
DEFAULT_MIN_SECONDS = 2  # faster than a person can read and answer: a script
TEXT_LIMIT = 5000
CONSENTING = ("yes", "maybe")


class Refused(Exception):
    """An answer that cannot be taken, with the page's status and what to tell the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def closed(questionnaire: Questionnaire) -> Refused:
    return Refused(410, f"This questionnaire closed on {questionnaire.closes_on:%-d %B %Y}.")


def min_seconds() -> float:
    return float(getattr(settings, "GOVERNANCE_ANSWER_MIN_SECONDS", DEFAULT_MIN_SECONDS))


def form_token(questionnaire: Questionnaire) -> str:
    """A signed value for the form given out now: the questionnaire, when, and a nonce."""
    return signing.dumps(
        {"q": questionnaire.pk, "t": time.time(), "n": secrets.token_urlsafe(24)}, salt=SALT
    )


def check_token(questionnaire: Questionnaire, value: str) -> str:
    """The form's nonce, if the form is this questionnaire's and was filled in by a person."""
    try:
        data = signing.loads(value, salt=SALT, max_age=FORM_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused(400, "This form was opened too long ago. Open the link again.") from None
    except signing.BadSignature:
        raise Refused(400, "This form could not be read. Open the link again.") from None
    if data.get("q") != questionnaire.pk:
        raise Refused(400, "This form is not this questionnaire's. Open the link again.")
    if time.time() - float(data["t"]) < min_seconds():
        raise Refused(
            429, "That was sent too quickly to be a person's. Wait a moment, then send it again."
        )
    return str(data["n"])


def _name(item: QuestionnaireItem, part: str = "") -> str:
    return f"item-{item.pk}{'-' + part if part else ''}"


def _text(label: str, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Answer this question",
            "max_length": "Keep this to 5,000 characters",
        },
        **kwargs,
    )


class AnswerForm(forms.Form):
    """A field per item (and its comment, "other" or email field), plus the signed form
    token and a field people never see, which scripts fill in."""

    form_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, items: list[QuestionnaireItem], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self._add(item)

    def _add(self, item: QuestionnaireItem) -> None:
        required = {"required": "Answer this question"}
        if item.kind == ItemKind.FREE_TEXT:
            self.fields[_name(item)] = _text(item.text, item.required, help_text=item.hint)
            return
        multiple = item.kind in (ItemKind.MULTIPLE, ItemKind.CHANNELS)
        field_class = forms.MultipleChoiceField if multiple else forms.ChoiceField
        self.fields[_name(item)] = field_class(
            label=item.text,
            choices=item.options(),
            required=item.required,
            help_text=item.hint,
            widget=forms.CheckboxSelectMultiple if multiple else forms.RadioSelect,
            error_messages={**required, "invalid_choice": "Choose one of the answers shown"},
        )
        if item.kind == ItemKind.YES_NO_PARTIALLY:
            self.fields[_name(item, "comment")] = _text("Comment or suggestion")
        elif item.kind == ItemKind.CONTACT:
            self.fields[_name(item, "email")] = forms.EmailField(
                label="Email address",
                required=False,
                max_length=254,
                error_messages={"invalid": "Enter an email address like name@example.org"},
            )
        elif item.allow_other:
            self.fields[_name(item, "other")] = forms.CharField(
                label="Other: please specify", required=False, max_length=500
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError("This could not be accepted.")
        for item in self.items:
            if item.kind == ItemKind.CONTACT:
                consent = data.get(_name(item))
                email = data.get(_name(item, "email"), "")
                if consent in CONSENTING and not email:
                    self.add_error(_name(item, "email"), "Enter your email address, or choose No")
        return data

    def groups(self) -> list[dict[str, Any]]:
        """Each item with its bound fields, for the template."""
        out = []
        for item in self.items:
            extras = [self[n] for n in self.fields if n.startswith(_name(item) + "-")]
            out.append({"item": item, "field": self[_name(item)], "extras": extras})
        return out

    def answers(self) -> list[Answer]:
        """Unsaved answers, one per item answered; a contact answer never holds the email."""
        data = self.cleaned_data
        found = []
        for item in self.items:
            value = data.get(_name(item))
            extra = ""
            for part in ("comment", "other"):
                extra = extra or (data.get(_name(item, part)) or "").strip()
            answer = Answer(item=item)
            if item.kind == ItemKind.FREE_TEXT:
                answer.text = (value or "").strip()
            elif isinstance(value, list):
                answer.choices = list(value)
                answer.text = extra
            else:
                answer.choice = value or ""
                answer.text = extra
            if answer.text or answer.choice or answer.choices:
                found.append(answer)
        return found

    def consented_email(self) -> str:
        """The email address, only if the respondent consented to be contacted."""
        for item in self.items:
            if item.kind == ItemKind.CONTACT and self.cleaned_data.get(_name(item)) in CONSENTING:
                return str(self.cleaned_data.get(_name(item, "email")) or "")
        return ""


@dataclass(frozen=True)
class Accepted:
    response: Response
    withdraw_token: str  # '' when no email was kept


def accept(
    questionnaire: Questionnaire,
    form: AnswerForm,
    nonce: str,
    invitation: Invitation | None = None,
) -> Accepted:
    """Store the response and its answers whole, using up the invitation, or raise
    ``Refused`` (closed, link used, or the same form sent before) and store nothing."""
    email = form.consented_email()
    token = secrets.token_urlsafe(32) if email else ""
    if not questionnaire.is_open():
        raise closed(questionnaire)
    try:
        # Writes come first: a SQLite transaction that read before writing cannot wait for
        # another writer, and would fail at once under load instead of queueing.
        with transaction.atomic():
            if invitation is not None:
                taken = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                if not taken:
                    raise Refused(410, "This link has been used: each one takes one response.")
            response = Response.objects.create(
                questionnaire=questionnaire,
                via=Response.Via.INVITATION if invitation else Response.Via.OPEN,
                nonce=nonce,
                contact_email=email,
                withdraw_token=token,
            )
            answers = form.answers()
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
    except IntegrityError:
        raise Refused(409, "We already have these answers: thank you.") from None
    return Accepted(response, token)


def withdraw(token: str) -> bool:
    """Forget the email address given with consent (the answers stay, anonymous)."""
    from saferplan.accounts.models import AuditEvent
    from saferplan.accounts.tenancy import current_partnership

    if not token:
        return False
    with transaction.atomic():
        found = Response.objects.select_for_update().filter(withdraw_token=token).first()
        if found is None:
            return False
        if found.contact_email:
            found.contact_email = ""
            found.withdrawn_on = timezone.localdate()
            found.save(update_fields=["contact_email", "withdrawn_on"])
            AuditEvent.objects.create(
                partnership=current_partnership(), actor="respondent (withdrawal link)",
                action="changed", model="governance.Response", object_id=str(found.pk),
                summary="Consent to be contacted withdrawn: email address removed",
            )  # fmt: skip
    return True
