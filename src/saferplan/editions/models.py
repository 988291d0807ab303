"""An edition (one build of one document for one partnership) and the files it is made of.

The files themselves live read-only under the data directory (``editions.store``); these
rows say what they are, what they were built from and the SHA-256 each must still have.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from saferplan.accounts.tenancy import tenant_manager


class Document(models.TextChoices):
    """The documents saferplan builds, by the key the command line and pages use."""

    STRATEGIC_ASSESSMENT = "strategic-assessment", "Strategic Assessment"
    YOUTH_JUSTICE_PLAN = "youth-justice-plan", "Youth Justice Plan"
    COMMUNITY_SAFETY_PLAN = "community-safety-plan", "Community Safety Plan"
    KNIFE_CRIME_ACTION_PLAN = "knife-crime-action-plan", "Knife Crime Action Plan"
    BOARD_REPORT = "board-report", "Board progress report"


class Variant(models.TextChoices):
    """Which edition of the document: public (small numbers suppressed) or restricted."""

    PUBLIC = "public", "Public"
    RESTRICTED = "restricted", "Restricted"


# Editions showing figures that may identify people: only for roles that may see them.
RESTRICTED_VARIANTS = frozenset({Variant.RESTRICTED})


# Variants that may be published: never one whose small numbers are not suppressed.
PUBLISHABLE_VARIANTS = frozenset({Variant.PUBLIC})


class State:
    """The two states every route has (``editions.routes``): an edition is built in the first
    and its public version is served to everyone once in the last. The states between are
    each route's own."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Edition(models.Model):
    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(max_length=40, choices=Document.choices)
    # The period the document covers, as given to the build: 2018, 2018-19, 2019/20.
    period = models.CharField(max_length=40)
    edition = models.CharField(max_length=20, choices=Variant.choices)
    title = models.CharField(max_length=300)
    # Where it is on its document's route (a state of ``editions.routes.route_for``); it
    # changes only by a recorded Step.
    state = models.CharField(max_length=40, default=State.DRAFT)
    built_at = models.DateTimeField(default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who built it as the audit trail names them: a user name, or "<os user> (cli)".
    built_by_name = models.CharField(max_length=150)
    # Every import the figures came from: import_id, kind, file, sha256, imported_at, ...
    imports = models.JSONField(default=list, blank=True)
    # What the build was asked for: area, comparators, themes, harm table.
    parameters = models.JSONField(default=dict, blank=True)
    check_passed = models.BooleanField()
    check_problems = models.JSONField(default=list, blank=True)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_edition_display().lower()} edition #{self.pk})"

    @property
    def restricted(self) -> bool:
        return self.edition in RESTRICTED_VARIANTS

    @property
    def publishable(self) -> bool:
        return self.edition in PUBLISHABLE_VARIANTS

    @property
    def published(self) -> bool:
        return self.state == State.PUBLISHED


class EditionFile(models.Model):
    """One file of an edition: written once, never changed (nor is this record)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    content_type = models.CharField(max_length=150)

    objects = tenant_manager("edition__partnership")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="one_file_name_per_edition")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"{self.name}: an edition's files never change once made")
        super().save(*args, **kwargs)


class RouteStep(models.Model):
    """One step of a partnership's own route for a kind of document (copied from the
    declared route, ``editions/routes.toml``, the first time it is used or edited)."""

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(max_length=40, choices=Document.choices)
    position = models.PositiveIntegerField()
    state = models.CharField(max_length=40)
    label = models.CharField(max_length=100)
    # The body that usually takes the step, offered as the default when it is recorded.
    body = models.CharField(max_length=200, blank=True)
    # The partnership roles that may record the step (accounts.models.Role values).
    roles = models.JSONField(default=list, blank=True)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "document", "state"], name="one_state_per_route"
            ),
            models.UniqueConstraint(
                fields=["partnership", "document", "position"], name="one_step_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()}: {self.label}"


class Step(models.Model):
    """A decision recorded on an edition: moved on one step along its route, or returned
    for changes to an earlier state. Never changed once made (only amendments are added)."""

    class Kind(models.TextChoices):
        ADVANCED = "advanced", "Moved on"
        RETURNED = "returned", "Returned for changes"

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_state = models.CharField(max_length=40)
    to_state = models.CharField(max_length=40)
    # The labels as the route named them then (a route edited later keeps its history).
    from_label = models.CharField(max_length=100)
    to_label = models.CharField(max_length=100)
    body = models.CharField(max_length=200)
    meeting_date = models.DateField()
    agenda_item = models.CharField(max_length=200, blank=True)
    resolution = models.TextField(blank=True)
    key_decision = models.BooleanField(default=False)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by_name = models.CharField(max_length=150)

    objects = tenant_manager("edition__partnership")

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_label} to {self.to_label} ({self.body})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a recorded step never changes: record another step instead")
        super().save(*args, **kwargs)


class MinorAmendment(models.Model):
    """A minor amendment made under a delegation given at a step (e.g. Cabinet delegating
    them to a director): what was changed and who made it."""

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField()
    made_by = models.CharField(max_length=200)
    made_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by_name = models.CharField(max_length=150)

    objects = tenant_manager("step__edition__partnership")

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Minor amendment by {self.made_by}: {self.text[:60]}"


class Comment(models.Model):
    """A comment on an edition (or one of its sections) from a named body or consultee,
    with who owns the response, by when, the response and the change made (or why none
    was). Carried forward to later editions of the same document."""

    class Source(models.TextChoices):
        COMMITTEE = "committee", "A committee or board"
        PARTNER = "partner", "A partner organisation"
        PUBLIC = "public", "A member of the public"
        OTHER = "other", "Someone else"

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="comments")
    section = models.CharField(max_length=200, blank=True)
    source_kind = models.CharField(max_length=20, choices=Source.choices)
    source_name = models.CharField(max_length=200)
    text = models.TextField()
    raised_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_name = models.CharField(max_length=150)
    due_on = models.DateField()
    response = models.TextField(blank=True)
    # None until answered; then whether the document was changed, and how (or why not).
    changed = models.BooleanField(null=True, blank=True)
    change_note = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responded_by_name = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by_name = models.CharField(max_length=150)
    # Bumped on every save, so two people answering at once do not overwrite each other.
    version = models.PositiveIntegerField(default=1)

    objects = tenant_manager("edition__partnership")

    class Meta:
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"Comment from {self.source_name} on {self.edition.title}"

    @property
    def answered(self) -> bool:
        return self.changed is not None

    def overdue(self, today: Any) -> bool:
        """Open (no response yet) and past its due date."""
        return not self.answered and self.due_on < today
