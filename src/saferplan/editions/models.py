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


class State(models.TextChoices):
    """Where an edition is on its approval route (the route itself comes later)."""

    DRAFT = "draft", "Draft"


class Edition(models.Model):
    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(max_length=40, choices=Document.choices)
    # The period the document covers, as given to the build: 2018, 2018-19, 2019/20.
    period = models.CharField(max_length=40)
    edition = models.CharField(max_length=20, choices=Variant.choices)
    title = models.CharField(max_length=300)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
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
