"""Complaints against designated immigration officers and the deadlines they create.

rules.md §6: the agency tells ICE of a complaint within 48 weekday hours of receiving it, and reports
its resolution no later than 30 days after the resolution date. Both deadlines are obligations kept with
the complaint, computed by the policy clock, never typed in.
"""

from django.db import models


class Complaint(models.Model):
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="complaints")
    # The officer complained about, when known; a complaint about non-designated personnel acting in
    # immigration functions has none and is forwarded within the same 48 hours.
    officer = models.ForeignKey("personnel.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="complaints")
    received = models.DateTimeField()  # the UTC instant
    received_local = models.CharField(max_length=19)  # the agency's wall time, ISO
    resolved = models.DateField(null=True, blank=True)  # the agency's local date
    summary = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["received", "id"]

    def __str__(self) -> str:
        return f"Complaint received {self.received_local}"


class ComplaintObligation(models.Model):
    class Code(models.TextChoices):
        NOTIFY_ICE_OF_COMPLAINT = "NOTIFY_ICE_OF_COMPLAINT", "Tell ICE of the complaint"
        REPORT_COMPLAINT_RESOLUTION = "REPORT_COMPLAINT_RESOLUTION", "Report the complaint's resolution to ICE"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="obligations")
    code = models.CharField(max_length=32, choices=Code.choices)
    due = models.DateTimeField()  # the UTC instant by which it must be done
    # The deadline as the rule states it, in the agency's local time: a wall time ("2025-06-10T15:00:00")
    # or, for a deadline that is a whole day, the date ("2025-07-31").
    due_local = models.CharField(max_length=19)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "code"], name="one_obligation_per_code")]

    def __str__(self) -> str:
        return f"{self.code} due {self.due_local}"
