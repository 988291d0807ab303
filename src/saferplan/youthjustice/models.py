"""Child-level youth justice records. Pseudonymised: a stable reference, never a name."""

from __future__ import annotations

from django.db import models

from saferplan.youthjustice.records import ETHNIC_GROUPS, OUTCOME_TYPES


class Child(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10)
    ethnicity = models.CharField(max_length=20, choices=[(g, g) for g in ETHNIC_GROUPS])
    home_la = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.reference


class Offence(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="offences")
    external_id = models.CharField(max_length=40, unique=True)
    offence_date = models.DateField()
    offence_type = models.CharField(max_length=100)
    gravity = models.PositiveSmallIntegerField()
    is_breach = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.external_id} ({self.offence_type})"


class Outcome(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="outcomes")
    external_id = models.CharField(max_length=40, unique=True)
    outcome_date = models.DateField()
    outcome_type = models.CharField(
        max_length=40, choices=[(k, o.label) for k, o in OUTCOME_TYPES.items()]
    )
    release_date = models.DateField(null=True, blank=True)
    offences = models.ManyToManyField(Offence, related_name="outcomes")

    def __str__(self) -> str:
        return f"{self.external_id} ({self.outcome_type})"


class Remand(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="remands")
    start_date = models.DateField()
    end_date = models.DateField()
    remand_type = models.CharField(
        max_length=3,
        choices=[("yda", "Youth detention accommodation"), ("la", "Local authority accommodation")],
    )

    def __str__(self) -> str:
        return f"{self.child} {self.remand_type} {self.start_date}"


class PublishedFigure(models.Model):
    """A published comparator figure (YOT family, London, England and Wales), as imported."""

    indicator = models.CharField(max_length=60)
    area = models.CharField(max_length=100)
    period = models.CharField(max_length=20)  # normalised: 2018/19, 2018, Jan-Dec 2018 ...
    value = models.DecimalField(max_digits=12, decimal_places=3)
    source_file = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="one_published_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area} {self.period}: {self.value}"
