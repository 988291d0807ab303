"""Delivery plan records. Progress updates are kept as history; the latest rating is the RAG."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F

from saferplan.accounts.models import Organisation, Partnership
from saferplan.accounts.tenancy import tenant_manager


class Rag(models.TextChoices):
    """RAG as the plans define it, plus Completed and Not started."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETED = "completed", "Completed"
    NOT_STARTED = "not_started", "Not started"


# An update with no rating: imported plans mostly leave the RAG column empty (Harrow's
# 2018/19 plan rates 5 of 56 actions), and a rating is never invented for them.
NOT_RATED = ""
RAG_LABELS: dict[str | None, str] = {
    **{str(r): r.label for r in Rag},
    NOT_RATED: "Not rated",
    None: "No update",
}

RAG_MEANING = {
    Rag.RED: "Problems need addressing; close monitoring required.",
    Rag.AMBER: "Some work required; slightly behind target.",
    Rag.GREEN: "On track or completed.",
    Rag.COMPLETED: "The action is complete.",
    Rag.NOT_STARTED: "Work has not started.",
}


class Disposition(models.TextChoices):
    """What happens to an action at year end (written in the review point cell today)."""

    CONTINUE = "continue", "Continue into next year"
    COMPLETE = "complete", "Complete"
    REMOVE = "remove", "Remove"


class StrategyYear(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT)
    label = models.CharField(max_length=20)  # e.g. 2019/20
    title = models.CharField(max_length=300, blank=True)

    objects = tenant_manager("partnership")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "label"], name="one_plan_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.title or 'Delivery plan'} {self.label}"


class Priority(models.Model):
    class Group(models.TextChoices):
        HIGH_VOLUME = "high volume", "High volume"
        HIGH_HARM = "high harm", "High harm"
        OTHER = "other", "Other"

    year = models.ForeignKey(StrategyYear, on_delete=models.CASCADE, related_name="priorities")
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=20, choices=Group.choices, default=Group.OTHER)
    order = models.PositiveIntegerField(default=0)

    objects = tenant_manager("year__partnership")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Objective(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_objectives"
    )
    code = models.CharField(max_length=20)
    heading = models.TextField()
    order = models.PositiveIntegerField(default=0)

    objects = tenant_manager("priority__year__partnership")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.heading[:80]}"


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=40, blank=True)
    measures_targets = models.TextField(blank=True)
    text = models.TextField()
    review_point_text = models.CharField(max_length=200, blank=True)
    review_date = models.DateField(null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    lead_person = models.CharField(max_length=200, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_actions"
    )
    lead_text = models.CharField(max_length=300, blank=True, help_text="as written in the plan")
    partners = models.CharField(max_length=300, blank=True)
    funding_source = models.CharField(max_length=100, blank=True)
    funding_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_new = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    disposition = models.CharField(
        max_length=10, choices=Disposition.choices, blank=True, help_text="year-end decision"
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking for edits
    # Which documents and themes the action belongs to beyond its plan: e.g.
    # "knife-crime-action-plan" and "lkcs:targeting-lawbreakers" (see plans.links).
    tags = models.JSONField(default=list, blank=True)
    # The outcome measures the action is meant to move (same plan year).
    measures: models.ManyToManyField[Measure, Any] = models.ManyToManyField(
        "Measure", related_name="actions", blank=True
    )

    objects = tenant_manager("objective__priority__year__partnership")

    class Meta:
        ordering = ["objective__order", "id"]

    def __str__(self) -> str:
        return self.reference or self.text[:60]

    def latest_update(self) -> ProgressUpdate | None:
        updates = list(self.updates.all())
        return updates[0] if updates else None

    def rag(self) -> str | None:
        """The latest rating given; NOT_RATED if updates exist but none is rated, else None."""
        updates = list(self.updates.all())
        if not updates:
            return None
        return next((u.rag for u in updates if u.rag != NOT_RATED), NOT_RATED)

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its review date without a Green or Completed rating since."""
        today = today or date.today()
        if self.review_date is None or self.review_date >= today:
            return False
        return self.rag() not in (Rag.GREEN, Rag.COMPLETED)

    def earlier_years(self) -> list[Action]:
        """The actions this one was carried from, last year's first."""
        chain: list[Action] = []
        current = self.carried_from
        while current is not None and current not in chain:
            chain.append(current)
            current = current.carried_from
        return chain


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    rag = models.CharField(max_length=20, choices=Rag.choices, blank=True)  # blank: not rated
    text = models.TextField(blank=True)
    # None: an imported update whose file gave no date (never guessed).
    date = models.DateField(default=date.today, null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    # Where an imported update came from (file and row); blank when typed in.
    source = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager("action__objective__priority__year__partnership")

    class Meta:
        # Undated (imported) updates come before dated ones: the dated entries were
        # appended to the cell later.
        ordering = [F("date").desc(nulls_last=True), "-created", "-id"]

    def __str__(self) -> str:
        when = f"{self.date:%d %b %Y}" if self.date else "undated"
        return f"{self.rag_label} update on {self.action} ({when})"

    @property
    def rag_label(self) -> str:
        return RAG_LABELS.get(self.rag, self.rag)


class LeadAlias(models.Model):
    """A lead as a plan writes it ("Tanya Sprunks Inspector"), settled as an organisation's,
    so later imports and plans match it without asking again."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lead_aliases"
    )
    text = models.CharField(max_length=300, help_text="as written in the plan")
    key = models.CharField(max_length=300, help_text="the text compared: lower case, one space")

    objects = tenant_manager("partnership")

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="one_alias_per_lead")
        ]

    def __str__(self) -> str:
        return f"{self.text} = {self.organisation}"


def lead_key(text: str) -> str:
    """Leads compare without case or spacing: "Le Brun , Head" is "le brun, head"."""
    return " ".join(text.replace(" ,", ",").split()).lower()


class Measure(models.Model):
    """An outcome measure an objective should move, with a baseline, target and direction.

    Bound to a crime theme and area, its actuals come from the statistics engine; otherwise
    they are typed in.
    """

    class Direction(models.TextChoices):
        DOWN = "down", "A fall is good"
        UP = "up", "A rise is good"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=300)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.DOWN)
    baseline_period = models.CharField(max_length=30, blank=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.CharField(max_length=200, blank=True, help_text='e.g. "down 10% a year"')
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    theme = models.CharField(max_length=50, blank=True, help_text="crime theme key, if computed")
    area = models.CharField(max_length=100, blank=True)

    objects = tenant_manager("objective__priority__year__partnership")

    def __str__(self) -> str:
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.theme and self.area)


class MeasureActual(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="actuals")
    period = models.CharField(max_length=30)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    computed = models.BooleanField(default=False)
    provenance = models.CharField(max_length=300, blank=True)

    objects = tenant_manager("measure__objective__priority__year__partnership")

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_actual_a_period")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} in {self.period}"
