"""A partnership's resources and risks, kept as records: every line as the plan gives it, every
total computed from them (``tables``), none stored.

Each record belongs to one partnership (ADR 0004) and, but for risks, to a financial year
(``2019-20``). Lines come from an import (``source_import``: its file and SHA-256) or are
added in the app; a new file for the same partnership and year replaces that year's lines.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from saferplan.accounts.models import Partnership
from saferplan.accounts.tenancy import tenant_manager
from saferplan.resources import tables
from saferplan.resources.values import AGENCIES, CONTRACTS, RISK_STATUSES, SEXES


class YearLine(models.Model):
    """A line of one of a partnership's tables for a financial year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)  # 2019-20
    order = models.PositiveIntegerField(default=0)
    # The import the line came from; empty for a line added in the app.
    source_import = models.ForeignKey(
        "datastore.ImportRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited = models.BooleanField(default=False)  # changed in the app since it was imported
    version = models.PositiveIntegerField(default=1)  # two people editing: the second is told

    objects = tenant_manager("partnership")

    class Meta:
        abstract = True
        ordering = ["year", "order", "id"]


class BudgetLine(YearLine):
    """A line of the youth justice budget (the YJB's Table 1) as the plan prints it."""

    agency = models.CharField(max_length=20, choices=[(a.key, a.label) for a in AGENCIES])
    label = models.CharField(max_length=300)
    staffing_costs = models.DecimalField(max_digits=14, decimal_places=2)
    payments_in_kind = models.DecimalField(max_digits=14, decimal_places=2)
    other_delegated_funds = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)

    class Meta(YearLine.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(staffing_costs__gte=0, payments_in_kind__gte=0,
                            other_delegated_funds__gte=0),
                name="budget_amounts_not_negative",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.year} budget: {self.label}"

    def line(self) -> tables.BudgetLine:
        amounts = (self.staffing_costs, self.payments_in_kind, self.other_delegated_funds)
        return tables.BudgetLine(self.agency, self.label, *amounts, self.note)


class GrantAllocation(YearLine):
    """A line of the allocation of the YJB youth justice grant."""

    area_of_delivery = models.CharField(max_length=200)
    activity = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta(YearLine.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.year} grant allocation: {self.area_of_delivery}"

    def line(self) -> tables.GrantLine:
        return tables.GrantLine(self.area_of_delivery, self.activity, self.amount)


class StaffPost(YearLine):
    """A post of the youth justice service's staffing. Sex and ethnicity are personal: shown
    to youth justice practitioners and admins only (``permissions.can_view_staff_details``)."""

    post = models.CharField(max_length=200)
    contract = models.CharField(max_length=20, choices=CONTRACTS)
    part_time = models.BooleanField(default=False)
    fte = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    sex = models.CharField(max_length=20, choices=SEXES, default="not_recorded")
    ethnicity = models.CharField(max_length=100, blank=True)  # as written
    ethnic_group = models.CharField(max_length=20, default="Not known")  # ONS high level
    start_date = models.DateField(null=True, blank=True)
    vacant = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)

    class Meta(YearLine.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gt=0, fte__lte=1), name="fte_of_one_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} post: {self.post}"

    def line(self) -> tables.Post:
        return tables.Post(self.post, self.contract, self.part_time, self.fte, self.sex,
                           self.ethnicity, self.ethnic_group, self.start_date, self.vacant,
                           self.note)  # fmt: skip


class FundingStream(YearLine):
    """Money the partnership has for a year from one stream and project (the London Crime
    Prevention Fund's, a partner's contribution, the remand budget), and the delivery plan
    actions it funds."""

    stream = models.CharField(max_length=200)
    project = models.CharField(max_length=300, blank=True)
    cash = models.DecimalField(max_digits=14, decimal_places=2)
    in_kind = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    actions = models.ManyToManyField("plans.Action", blank=True, related_name="funding_streams")

    class Meta(YearLine.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(cash__gte=0, in_kind__gte=0), name="funding_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.stream}: {self.project}"

    def line(self) -> tables.Stream:
        references = tuple(a.reference or f"#{a.pk}" for a in self.actions.all())
        return tables.Stream(self.stream, self.project, self.cash, self.in_kind, self.note,
                             references)  # fmt: skip


class Risk(models.Model):
    """A risk of the partnership's register; its score is likelihood times impact, computed."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20)
    risk = models.TextField()
    cause = models.TextField(blank=True)
    consequence = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    owner = models.CharField(max_length=200, blank=True)
    mitigation = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RISK_STATUSES, default="open")
    source_import = models.ForeignKey(
        "datastore.ImportRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["reference", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="one_risk_reference"),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_ratings_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.risk[:80]}"

    @property
    def score(self) -> int:
        return tables.risk_score(self.likelihood, self.impact)

    @property
    def band(self) -> tables.RiskBand:
        return tables.risk_band(self.score)

    def entry(self) -> tables.RiskEntry:
        reviews = tuple(r.review() for r in self.reviews.all())
        last = reviews[-1].reviewed_on if reviews else None
        return tables.RiskEntry(self.reference, self.risk, self.likelihood, self.impact,
                                self.cause, self.consequence, self.owner, self.mitigation,
                                self.review_date, self.status, reviews, last)  # fmt: skip


class RiskReview(models.Model):
    """A risk's ratings as they stood at a review: the run of reviews shows how it moved."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=RISK_STATUSES, default="open")
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager("risk__partnership")

    class Meta:
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.risk.reference} reviewed {self.reviewed_on}: {self.likelihood}×{self.impact}"

    def review(self) -> tables.Review:
        return tables.Review(self.reviewed_on, self.likelihood, self.impact, self.status,
                             self.note)  # fmt: skip
