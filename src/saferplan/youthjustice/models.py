"""Child-level youth justice records. Pseudonymised: a stable reference, never a name."""

from __future__ import annotations

from django.db import models

from saferplan.youthjustice.records import (
    ACCOMMODATION,
    ETE_PROVISION,
    ETHNIC_GROUPS,
    INTERVENTION_LEVELS,
    INTERVENTION_TYPES,
    NEED_LEVELS,
    OUTCOME_TYPES,
    RISK_LEVELS,
    SEND_LEVELS,
    STATUS_LABELS,
)


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class Child(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    date_of_birth = models.DateField()
    # Only the month and year are held (date_of_birth is then the 1st of the month).
    birth_month_only = models.BooleanField(default=False)
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


class ChildStatus(models.Model):
    """Children's services involvement over time (looked after, CP plan, CIN, early help)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=20, choices=list(STATUS_LABELS.items()))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.child} {self.status} from {self.start_date}"


class Assessment(models.Model):
    """An AssetPlus assessment's ratings."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessments")
    external_id = models.CharField(max_length=40, unique=True)
    assessment_date = models.DateField()
    reoffending = models.CharField(max_length=10, choices=_choices(RISK_LEVELS))
    serious_harm = models.CharField(max_length=10, choices=_choices(RISK_LEVELS))
    safety_wellbeing = models.CharField(max_length=10, choices=_choices(RISK_LEVELS))
    intervention_level = models.CharField(max_length=10, choices=_choices(INTERVENTION_LEVELS))

    def __str__(self) -> str:
        return f"{self.external_id} ({self.assessment_date})"


class Order(models.Model):
    """A disposal the service supervises, with the child's circumstances at its start and
    end as the YJB key performance indicators record them."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(max_length=40, unique=True)
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.SET_NULL)
    order_type = models.CharField(
        max_length=40, choices=[(k, o.label) for k, o in OUTCOME_TYPES.items()]
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(null=True, blank=True)
    accommodation_start = models.CharField(
        max_length=10, blank=True, choices=_choices(ACCOMMODATION)
    )
    accommodation_end = models.CharField(max_length=10, blank=True, choices=_choices(ACCOMMODATION))
    ete_hours_start = models.PositiveSmallIntegerField(null=True, blank=True)
    ete_hours_end = models.PositiveSmallIntegerField(null=True, blank=True)
    send = models.CharField(max_length=12, blank=True, choices=_choices(SEND_LEVELS))
    mental_health = models.CharField(max_length=14, blank=True, choices=_choices(NEED_LEVELS))
    substance_misuse = models.CharField(max_length=14, blank=True, choices=_choices(NEED_LEVELS))
    ete_provision_start = models.CharField(
        max_length=24, blank=True, choices=_choices(ETE_PROVISION)
    )
    ete_provision_end = models.CharField(max_length=24, blank=True, choices=_choices(ETE_PROVISION))

    def __str__(self) -> str:
        return f"{self.external_id} ({self.order_type})"


class Intervention(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="interventions")
    external_id = models.CharField(max_length=40, unique=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    intervention_type = models.CharField(max_length=30, choices=_choices(INTERVENTION_TYPES))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.external_id} ({self.intervention_type})"


class VictimContact(models.Model):
    """A victim of an offence: contacted, offered restorative justice, took part."""

    external_id = models.CharField(max_length=40, unique=True)
    offence = models.ForeignKey(Offence, on_delete=models.CASCADE, related_name="victims")
    contacted = models.BooleanField()
    rj_offered = models.BooleanField()
    rj_participated = models.BooleanField()
    satisfied = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return self.external_id


class BoardAttendance(models.Model):
    """Whether a partner agency attended a management board meeting."""

    meeting_date = models.DateField()
    partner = models.CharField(max_length=100)
    attended = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting_date", "partner"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_date} {self.partner}"


class PopulationByEthnicity(models.Model):
    """Children aged 10-17 by ethnic group (census-based), for disproportionality."""

    area = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    ethnic_group = models.CharField(max_length=20, choices=[(g, g) for g in ETHNIC_GROUPS])
    population = models.PositiveIntegerField()
    source_file = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "ethnic_group"], name="one_population_by_ethnicity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.ethnic_group}: {self.population}"


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
