"""Who works in the partnership, for which organisation, in which roles; and what they changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Partnership admin"
    ANALYST = "analyst", "Analyst"
    ACTION_LEAD = "action_lead", "Action lead"
    BOARD = "board", "Board member (read-only)"
    YOUTH_JUSTICE = "youth_justice", "Youth justice practitioner"


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council service"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        FIRE = "fire", "Fire and rescue"
        SCHOOL = "school", "School"
        CHARITY = "charity", "Charity or voluntary sector"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Words that identify the organisation in free-text "lead" cells of imported plans.
    aliases = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_name_per_partnership")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's one organisation and their roles in the partnership."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    roles = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class AuditEvent(models.Model):
    """One change to a record: who, when, what, and the values before and after."""

    when = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20)  # created | changed | deleted | viewed | exported
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-when", "-id"]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.action} {self.model} #{self.object_id}"
