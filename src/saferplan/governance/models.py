"""The records of governance: the questions and promises log, bodies with their members and
meetings (agenda, attendance, actions arising), consultation questionnaires with their
responses, and consultation events.

Every model has a scoped default manager (ADR 0004): top-level records carry their
partnership, the rest reach it through their parent. Respondents to a questionnaire are
anonymous: a response keeps no address, no account and no link to the invitation it came
through; an email address only when its respondent consented to be contacted, until they
withdraw.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import tenant_manager

TOKEN_BYTES = 32  # a single-use or withdrawal link: 43 characters, never guessed


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_slug() -> str:
    """The open link's part that names a questionnaire: random, so drafts are not found."""
    return secrets.token_urlsafe(9)


def _user(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


# ---- Bodies, members and meetings -------------------------------------------------------


class Body(models.Model):
    """A board, panel or group that meets: the partnership board, the YOT management board,
    the IOM panel and the others of the source documents."""

    class Kind(models.TextChoices):
        PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
        YOT_BOARD = "yot_board", "Youth justice (YOT) management board"
        IOM_PANEL = "iom_panel", "Integrated offender management panel"
        SAFETY_WELLBEING = "safety_wellbeing", "Safety and wellbeing panel"
        TASKING = "tasking", "Enforcement and tasking group"
        DAILY_BRIEFING = "daily_briefing", "Daily briefing"
        SCRUTINY = "scrutiny", "Overview and scrutiny committee"
        CABINET = "cabinet", "Cabinet"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    # Records its meetings, with the partnership's admins (youth justice practitioners too
    # for the YOT management board).
    secretary = _user("+")

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_body_name")
        ]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A person's seat on a body: their role on it, the partner they represent, and when."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    person = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)  # e.g. Chair, Deputy Chair
    organisation = models.CharField(max_length=200)  # the partner agency they represent
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    objects = tenant_manager("body__partnership")

    class Meta:
        ordering = ["organisation", "person", "id"]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})"

    def sits_on(self, day: date) -> bool:
        """A member on ``day``: from their start (if any) to their end (if any), inclusive."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    objects = tenant_manager("body__partnership")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on:%d %B %Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)

    objects = tenant_manager("meeting__body__partnership")

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        DEPUTY = "deputy", "Deputy attended"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BodyMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    deputy = models.CharField(max_length=200, blank=True)  # who came in the member's place

    objects = tenant_manager("meeting__body__partnership")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_each")
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}: {self.get_status_display()}"

    @property
    def represented(self) -> bool:
        """The member's partner was in the room: the member, or a deputy in their place."""
        return self.status in (self.Status.PRESENT, self.Status.DEPUTY)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class MeetingAction(models.Model):
    """An action arising from a meeting, which may carry forward a delivery plan action."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    text = models.TextField()
    owner_text = models.CharField(max_length=200, help_text="who, as the minutes name them")
    owner = _user("+")  # the user whose home page flags it when overdue
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="open")
    plan_action = models.ForeignKey(
        "plans.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = tenant_manager("meeting__body__partnership")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == ActionStatus.OPEN and self.due_on is not None and self.due_on < today


# ---- The questions and promises log -----------------------------------------------------


class Question(models.Model):
    """A question or challenge raised at a meeting, and the answer promised to it."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting an answer"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    forum = models.CharField(max_length=200, help_text="e.g. Overview and Scrutiny Committee")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    raised_on = models.DateField()
    raised_by = models.CharField(max_length=200)
    question = models.TextField()
    answerer = models.CharField(max_length=200, help_text="who answers, as named at the meeting")
    owner = _user("+")  # the user whose home page flags it when overdue
    due_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default="open")
    version = models.PositiveIntegerField(default=1)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.question[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today


# ---- Consultation -----------------------------------------------------------------------


class Questionnaire(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    privacy_notice = models.TextField(
        blank=True, help_text="who holds the answers, for what, and for how long"
    )
    closes_on = models.DateField(help_text="answers are taken until the end of this day")
    open_link = models.BooleanField(default=True)  # anyone with the link (rate-limited)
    slug = models.CharField(max_length=20, unique=True, default=new_slug)
    published_on = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-closes_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: date | None = None) -> bool:
        """Published, and its closing day not yet over (in the service's time zone)."""
        today = today or timezone.localdate()
        return self.published_on is not None and today <= self.closes_on


class ItemKind(models.TextChoices):
    YES_NO_PARTIALLY = "ynp", "Yes / No / Partially, with a comment"
    FREE_TEXT = "text", "Free text"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    CONTACT = "contact", "Consent to be contacted, with an email address"
    CHANNELS = "channels", "Preferred channels"


YNP_CHOICES = [("yes", "Yes"), ("no", "No"), ("partially", "Partially")]
CONTACT_CHOICES = [("yes", "Yes"), ("no", "No"), ("maybe", "Maybe: keep me informed")]
CHANNEL_CHOICES = ["Email", "Website", "Facebook", "Twitter", "WhatsApp group"]


class QuestionnaireItem(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True)  # single and multiple choice
    allow_other = models.BooleanField(default=False)  # "Other: please specify"
    required = models.BooleanField(default=False)

    objects = tenant_manager("questionnaire__partnership")

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def options(self) -> list[tuple[str, str]]:
        """(value, label) of each answer it offers, in order ("other" last, if allowed)."""
        if self.kind == ItemKind.YES_NO_PARTIALLY:
            return list(YNP_CHOICES)
        if self.kind == ItemKind.CONTACT:
            return list(CONTACT_CHOICES)
        listed = self.choices or (CHANNEL_CHOICES if self.kind == ItemKind.CHANNELS else [])
        found = [(str(c), str(c)) for c in listed]
        return found + ([("other", "Other")] if self.allow_other else [])


class Invitation(models.Model):
    """A single-use link: answered once, then refused. Which response it gave is not kept."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    label = models.CharField(max_length=100, blank=True, help_text="a group, never a name")
    created = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager("questionnaire__partnership")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.questionnaire_id}"


class Response(models.Model):
    class Via(models.TextChoices):
        OPEN = "open", "Open link"
        INVITATION = "invitation", "Single-use link"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    submitted_on = models.DateField(default=timezone.localdate)  # the day only
    via = models.CharField(max_length=20, choices=Via.choices)
    # The random value of the form it was given on: the same form sent twice (a double
    # click, a refresh) is one response.
    nonce = models.CharField(max_length=64, unique=True)
    # Kept only with consent (a contact answer of yes or maybe), until withdrawn.
    contact_email = models.EmailField(blank=True)
    withdraw_token = models.CharField(max_length=64, blank=True, db_index=True)
    withdrawn_on = models.DateField(null=True, blank=True)

    objects = tenant_manager("questionnaire__partnership")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.questionnaire_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)  # yes/no/partially, a single choice
    choices = models.JSONField(default=list, blank=True)  # multiple choice
    text = models.TextField(blank=True)  # free text, a comment, or "other" specified

    objects = tenant_manager("response__questionnaire__partnership")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.item_id}"


class ConsultationEvent(models.Model):
    """A workshop, youth parliament session or other engagement, and what was heard."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        YOUTH = "youth", "Youth parliament or young people's session"
        MEETING = "meeting", "Meeting or board session"
        WRITTEN = "written", "Written or email consultation"
        SURVEY = "survey", "Questionnaire"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(null=True, blank=True)
    when_text = models.CharField(max_length=100, blank=True, help_text='e.g. "May-June 2019"')
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=300)
    heard = models.TextField(blank=True)
    questionnaire = models.ForeignKey(
        Questionnaire, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def when(self) -> str:
        """As the plan prints it: the given wording, else the date, else "undated"."""
        if self.when_text:
            return self.when_text
        return f"{self.held_on:%-d %B %Y}" if self.held_on else "Undated"
