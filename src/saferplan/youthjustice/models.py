"""Child-level youth justice records. Pseudonymised: a stable reference, never a name.

Every record belongs to one partnership (its youth justice service) and is reachable only
in that partnership's scope (``accounts.tenancy``); references are unique per partnership,
since two services' case management systems may number children alike. Which column of a
file each field holds, and how long text may be, is declared in ``spec.SPEC`` (a test
checks the two agree).
"""

from __future__ import annotations

from django.db import models

from saferplan.accounts.tenancy import tenant_manager
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
from saferplan.youthjustice.spec import length


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class TenantRecord(models.Model):
    """A youth justice record of one partnership."""

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.PROTECT, related_name="+"
    )

    objects = tenant_manager("partnership")

    class Meta:
        abstract = True


def _unique(*fields: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["partnership", *fields], name=name)


class Child(TenantRecord):
    reference = models.CharField(max_length=length("children", "child_ref"))
    date_of_birth = models.DateField()
    # Only the month and year are held (date_of_birth is then the 1st of the month).
    birth_month_only = models.BooleanField(default=False)
    sex = models.CharField(max_length=length("children", "sex"))
    ethnicity = models.CharField(
        max_length=length("children", "ethnicity"), choices=[(g, g) for g in ETHNIC_GROUPS]
    )
    home_la = models.CharField(max_length=length("children", "home_la"))

    class Meta:
        constraints = [_unique("reference", name="one_child_reference")]

    def __str__(self) -> str:
        return self.reference


class Offence(TenantRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="offences")
    external_id = models.CharField(max_length=length("offences", "offence_id"))
    offence_date = models.DateField()
    offence_type = models.CharField(max_length=length("offences", "offence_type"))
    gravity = models.PositiveSmallIntegerField()
    is_breach = models.BooleanField(default=False)

    class Meta:
        constraints = [_unique("external_id", name="one_offence_id")]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.offence_type})"


class Outcome(TenantRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="outcomes")
    external_id = models.CharField(max_length=length("outcomes", "outcome_id"))
    outcome_date = models.DateField()
    outcome_type = models.CharField(
        max_length=length("outcomes", "outcome_type"),
        choices=[(k, o.label) for k, o in OUTCOME_TYPES.items()],
    )
    release_date = models.DateField(null=True, blank=True)
    offences = models.ManyToManyField(Offence, related_name="outcomes")

    class Meta:
        constraints = [_unique("external_id", name="one_outcome_id")]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.outcome_type})"


class Remand(TenantRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="remands")
    start_date = models.DateField()
    end_date = models.DateField()
    remand_type = models.CharField(
        max_length=length("remands", "remand_type"),
        choices=[("yda", "Youth detention accommodation"), ("la", "Local authority accommodation")],
    )

    def __str__(self) -> str:
        return f"{self.child} {self.remand_type} {self.start_date}"


class ChildStatus(TenantRecord):
    """Children's services involvement over time (looked after, CP plan, CIN, early help)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(
        max_length=length("statuses", "status"), choices=list(STATUS_LABELS.items())
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.child} {self.status} from {self.start_date}"


class Assessment(TenantRecord):
    """An AssetPlus assessment's ratings."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessments")
    external_id = models.CharField(max_length=length("assessments", "assessment_id"))
    assessment_date = models.DateField()
    reoffending = models.CharField(
        max_length=length("assessments", "reoffending"), choices=_choices(RISK_LEVELS)
    )
    serious_harm = models.CharField(
        max_length=length("assessments", "serious_harm"), choices=_choices(RISK_LEVELS)
    )
    safety_wellbeing = models.CharField(
        max_length=length("assessments", "safety_wellbeing"), choices=_choices(RISK_LEVELS)
    )
    intervention_level = models.CharField(
        max_length=length("assessments", "intervention_level"),
        choices=_choices(INTERVENTION_LEVELS),
    )

    class Meta:
        constraints = [_unique("external_id", name="one_assessment_id")]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.assessment_date})"


class Order(TenantRecord):
    """A disposal the service supervises, with the child's circumstances at its start and
    end as the YJB key performance indicators record them."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(max_length=length("orders", "order_id"))
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.SET_NULL)
    order_type = models.CharField(
        max_length=length("orders", "order_type"),
        choices=[(k, o.label) for k, o in OUTCOME_TYPES.items()],
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(null=True, blank=True)
    accommodation_start = models.CharField(
        max_length=length("orders", "accommodation_start"),
        blank=True,
        choices=_choices(ACCOMMODATION),
    )
    accommodation_end = models.CharField(
        max_length=length("orders", "accommodation_end"),
        blank=True,
        choices=_choices(ACCOMMODATION),
    )
    ete_hours_start = models.PositiveSmallIntegerField(null=True, blank=True)
    ete_hours_end = models.PositiveSmallIntegerField(null=True, blank=True)
    send = models.CharField(
        max_length=length("orders", "send"), blank=True, choices=_choices(SEND_LEVELS)
    )
    mental_health = models.CharField(
        max_length=length("orders", "mental_health"), blank=True, choices=_choices(NEED_LEVELS)
    )
    substance_misuse = models.CharField(
        max_length=length("orders", "substance_misuse"), blank=True, choices=_choices(NEED_LEVELS)
    )
    ete_provision_start = models.CharField(
        max_length=length("orders", "ete_provision_start"),
        blank=True,
        choices=_choices(ETE_PROVISION),
    )
    ete_provision_end = models.CharField(
        max_length=length("orders", "ete_provision_end"),
        blank=True,
        choices=_choices(ETE_PROVISION),
    )

    class Meta:
        constraints = [_unique("external_id", name="one_order_id")]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.order_type})"


class Intervention(TenantRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="interventions")
    external_id = models.CharField(max_length=length("interventions", "intervention_id"))
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    intervention_type = models.CharField(
        max_length=length("interventions", "intervention_type"),
        choices=_choices(INTERVENTION_TYPES),
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    completed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [_unique("external_id", name="one_intervention_id")]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.intervention_type})"


class VictimContact(TenantRecord):
    """A victim of an offence: contacted, offered restorative justice, took part."""

    external_id = models.CharField(max_length=length("victims", "victim_ref"))
    offence = models.ForeignKey(Offence, on_delete=models.CASCADE, related_name="victims")
    contacted = models.BooleanField()
    rj_offered = models.BooleanField()
    rj_participated = models.BooleanField()
    satisfied = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [_unique("external_id", name="one_victim_ref")]

    def __str__(self) -> str:
        return self.external_id


class BoardAttendance(TenantRecord):
    """Whether a partner agency attended a management board meeting."""

    meeting_date = models.DateField()
    partner = models.CharField(max_length=length("board", "partner"))
    attended = models.BooleanField()

    class Meta:
        constraints = [_unique("meeting_date", "partner", name="one_attendance")]

    def __str__(self) -> str:
        return f"{self.meeting_date} {self.partner}"


class PopulationByEthnicity(TenantRecord):
    """Children aged 10-17 by ethnic group (census-based), for disproportionality."""

    area = models.CharField(max_length=length("population_by_ethnicity", "area"))
    year = models.PositiveSmallIntegerField()
    ethnic_group = models.CharField(
        max_length=length("population_by_ethnicity", "ethnic_group"),
        choices=[(g, g) for g in ETHNIC_GROUPS],
    )
    population = models.PositiveIntegerField()
    source_file = models.CharField(max_length=300)
    # The import the figure came from (its file, SHA-256, who and when); empty only for
    # figures imported before imports were recorded.
    source_import = models.ForeignKey(
        "datastore.ImportRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [_unique("area", "year", "ethnic_group", name="one_population_by_ethnicity")]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.ethnic_group}: {self.population}"


class PublishedFigure(TenantRecord):
    """A published comparator figure (YOT family, London, England and Wales), as imported."""

    indicator = models.CharField(max_length=length("comparators", "indicator"))
    area = models.CharField(max_length=length("comparators", "area"))
    # Normalised: 2018/19, 2018, Jan-Dec 2018 ...
    period = models.CharField(max_length=length("comparators", "period"))
    value = models.DecimalField(max_digits=12, decimal_places=3)
    source_file = models.CharField(max_length=300)
    source_import = models.ForeignKey(
        "datastore.ImportRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [_unique("indicator", "area", "period", name="one_published_figure")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area} {self.period}: {self.value}"
