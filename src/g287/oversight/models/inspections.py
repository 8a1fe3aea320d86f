"""Inspections, FOD–LEA meetings and first reviews; their findings and the corrective actions they need.

What is due is derived as of a day (``g287.oversight.schedule``) from the last one held, never stored.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from g287.registry.choices import AgreementModel

DEFAULT_CYCLE_MONTHS = 24  # OPR inspects each JEM agency every two years (rules.md §7)


class InspectionCycle(models.Model):
    """How often agencies of a model are inspected (months); a model without a row uses two years."""

    model = models.CharField(max_length=8, choices=AgreementModel.choices, unique=True)
    months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(120)])

    def __str__(self) -> str:
        return f"{self.model}: every {self.months} months"


class Inspection(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("OPR inspection")
        ANNUAL_MEETING = "annual_meeting", _("FOD–LEA annual meeting")
        FIRST_REVIEW = "first_review", _("First review after the operational date")

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="inspections")
    # The agreement a first review is about (an agency may start a second model years after the first).
    agreement = models.ForeignKey("registry.Agreement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="inspections")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    held = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded = models.DateTimeField()

    class Meta:
        ordering = ["-held", "-id"]
        indexes = [models.Index(fields=["agency", "kind", "held"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.agency} on {self.held}"


class Finding(models.Model):
    class Severity(models.TextChoices):
        CRITICAL = "critical", _("Critical")
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")
        OBSERVATION = "observation", _("Observation")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField(max_length=12, choices=Severity.choices)
    clause = models.CharField(max_length=120)  # the MOA article or clause not complied with
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} finding ({self.clause})"


class CorrectiveAction(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="corrective_actions")
    description = models.TextField()
    due = models.DateField()
    closed = models.DateField(null=True, blank=True)
    closure_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"Corrective action due {self.due}"

    def open_on(self, day) -> bool:
        return self.closed is None or self.closed > day
