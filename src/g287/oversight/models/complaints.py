"""Complaints against designated immigration officers (or the agency, or its other personnel), their
workflow, and the deadlines they create.

rules.md §6: the agency tells ICE of a complaint within 48 weekday hours of receiving it, and reports
its resolution no later than 30 days after the resolution date. Both deadlines are obligations kept with
the complaint, computed by the policy clock, never typed in. The workflow stage is derived from what
happened and when (ICE told = the notice obligation fulfilled; reported = the report obligation
fulfilled), never stored as a flag.
"""

from django.conf import settings
from django.db import models

from g287.oversight.choices import About, Allegation, Outcome, Source, Stage  # noqa: F401  (their home)


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
    # The number the complainant keeps (unguessable; never a key to anyone else's complaint).
    receipt = models.CharField(max_length=16, unique=True, null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.PHONE)
    allegation = models.CharField(max_length=20, choices=Allegation.choices, default=Allegation.OTHER)
    about = models.CharField(max_length=16, choices=About.choices, default=About.UNKNOWN)
    # What the public form asks, and nothing more: when and where it happened, an optional contact.
    occurred_on = models.DateField(null=True, blank=True)
    occurred_place = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)  # the language the complaint was made in
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    investigation_started = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["received", "id"]
        indexes = [models.Index(fields=["agency", "received"])]

    def __str__(self) -> str:
        return f"Complaint {self.receipt or self.pk} received {self.received_local}"

    @property
    def received_local_text(self) -> str:
        """The agency's wall time as staff read it: YYYY-MM-DD HH:MM."""
        return self.received_local[:16].replace("T", " ")

    @property
    def language_name(self) -> str:
        """The language the complaint was written in, in its own name (English, Español), or empty."""
        from django.conf import settings
        from django.utils.translation import get_language_info

        code = (self.language or "").split("-")[0]
        if code not in dict(settings.LANGUAGES):
            return self.language or ""
        return get_language_info(code)["name_local"].capitalize()


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
