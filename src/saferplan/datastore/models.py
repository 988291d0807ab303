"""Provenance: one record per imported file, so every figure can name the file it came from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from saferplan.accounts.tenancy import open_or_tenant_manager


class ImportRecord(models.Model):
    """A file imported into the warehouse: what, from where, its hash, and what happened."""

    kind = models.CharField(max_length=40)
    # Names the import's warehouse files and catalog entries: unlike the id, which SQLite
    # hands out again after a transaction that never committed, it is never reused.
    # Null for records with no warehouse files (and for those made before it existed).
    uid = models.UUIDField(null=True, unique=True, editable=False, default=None)
    file_name = models.CharField(max_length=500)
    container = models.CharField(max_length=500, blank=True, help_text="zip archive, if any")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    encoding = models.CharField(max_length=20, blank=True)
    rows_read = models.BigIntegerField()
    rows_kept = models.BigIntegerField()
    rows_rejected = models.BigIntegerField(default=0)
    dataset_name = models.CharField(
        max_length=200, blank=True, help_text="e.g. the population set's name"
    )
    notes = models.JSONField(default=dict, blank=True)
    imported_by = models.CharField(max_length=150)
    # Open data (crime, population, geography) belongs to no partnership and is shared;
    # youth justice extracts, plans and published comparators belong to the importer's.
    partnership = models.ForeignKey(
        "accounts.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    objects = open_or_tenant_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=Q(partnership__isnull=True),
                name="one_open_import_per_file_content",
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "sha256"],
                condition=Q(partnership__isnull=False),
                name="one_import_per_file_content_per_partnership",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"
