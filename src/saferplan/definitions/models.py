"""A partnership's own themes and comparator groups: each save a new version, kept.

The latest version of a kind is in force; an empty text is "the shipped defaults" (a
restore is a version too, so the history shows it). No version at all also means the
shipped files (``SAFERPLAN_THEMES`` for themes), as before partnerships could keep their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import tenant_manager


class DefinitionVersion(models.Model):
    class Kind(models.TextChoices):
        THEMES = "themes", "Themes"
        COMPARATORS = "comparators", "Comparator groups"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)  # TOML as saved; blank: the shipped defaults
    sha256 = models.CharField(max_length=64)  # of the TOML in force (the shipped file's if blank)
    note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150)  # who saved it, as the audit trail names them

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} version {self.pk} ({self.actor})"

    @property
    def is_default(self) -> bool:
        return not self.text
