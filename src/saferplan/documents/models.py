"""The text people write for each document, section and year, every save kept; and a
partnership's own templates. Everything here belongs to one partnership (ADR 0004)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from saferplan.accounts.tenancy import tenant_manager
from saferplan.documents.template import KINDS

DOCUMENT_CHOICES = list(KINDS.items())


class SectionRevision(models.Model):
    """One save of one section's text: the latest is the section's text, the rest its
    history (never changed, never deleted)."""

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(max_length=40, choices=DOCUMENT_CHOICES)
    year = models.CharField(max_length=10)  # the plan year: 2019-20
    section = models.CharField(max_length=60)
    text = models.TextField(blank=True)  # the safe Markdown subset (documents.markdown)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_by_name = models.CharField(max_length=150)
    # "Start from last year's text": the revision of last year's section it was copied from.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sample = models.BooleanField(default=False)  # sample text (the demo's), said so in print

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-saved_at", "-id"]
        indexes = [models.Index(fields=["partnership", "document", "year", "section"])]

    def __str__(self) -> str:
        return f"{KINDS.get(self.document, self.document)} {self.year}, {self.section}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a saved revision of a section never changes: save a new one")
        super().save(*args, **kwargs)


class OwnTemplate(models.Model):
    """A partnership's own template (a TOML file, validated as the shipped ones are)."""

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=60)
    document = models.CharField(max_length=40, choices=DOCUMENT_CHOICES)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.CharField(max_length=150)

    objects = tenant_manager("partnership")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="one_template_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.file_name})"

    def template(self) -> Any:
        from saferplan.documents.template import parse_template

        return parse_template(self.text, self.file_name, own=True)
