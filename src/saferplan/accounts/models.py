"""Partnerships (the tenants), their organisations, who works in them, and the audit trail.

A partnership's records are reachable only inside its scope (``accounts.tenancy``): every
model here but ``Partnership`` has a scoped default manager.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplan.accounts.tenancy import tenant_manager


class Role(models.TextChoices):
    ADMIN = "admin", "Partnership admin"
    ANALYST = "analyst", "Analyst"
    ACTION_LEAD = "action_lead", "Action lead"
    BOARD = "board", "Board member (read-only)"
    YOUTH_JUSTICE = "youth_justice", "Youth justice practitioner"


class Partnership(models.Model):
    """A community safety partnership or youth justice service: the tenant of its records.

    Its settings say which area it covers, so nothing else assumes one.
    """

    name = models.CharField(max_length=200, unique=True)
    # Borough or local authority names as the crime data names them; several for a joint
    # partnership. The first is the default subject of its documents.
    areas = models.JSONField(default=list, blank=True)
    youth_justice_area = models.CharField(max_length=100, blank=True)
    # Areas or comparator groups (crime/comparators.toml) its documents compare with.
    comparators = models.JSONField(default=list, blank=True)
    # The population set (by name) its youth justice rates use; blank: the newest.
    youth_population_set = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def area(self) -> str:
        """The area its documents are about by default ('' when none is set)."""
        return self.areas[0] if self.areas else ""


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

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_name_per_partnership")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's organisation and roles in one partnership; a user may have several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    roles = models.JSONField(default=list)

    objects = tenant_manager("partnership")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="one_membership_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class AuditEvent(models.Model):
    """One change to a record, or one look at child-level data: who, when, what, where."""

    when = models.DateTimeField(auto_now_add=True)
    # The partnership whose record it was (none for set-up outside any partnership).
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    # Who acted when no signed-in user did: the operating-system user and "cli".
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)  # created | changed | deleted | viewed | exported
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-when", "-id"]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.action} {self.model} #{self.object_id}"
