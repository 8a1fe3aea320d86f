"""Sanctions on an officer's authorization or on an agreement, proposed and decided.

A sanction takes effect through the personnel services (revoking authorizations, recording the
agreement's suspension or termination notice); this row keeps why, who proposed and who decided.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sanction(models.Model):
    class Kind(models.TextChoices):
        SUSPEND_OFFICER = "suspend_officer", _("Suspend the officer's authorization")
        REVOKE_OFFICER = "revoke_officer", _("Revoke the officer's authorization")
        SUSPEND_AGREEMENT = "suspend_agreement", _("Suspend the agreement")
        TERMINATE_AGREEMENT = "terminate_agreement", _("Terminate the agreement")

    class Reason(models.TextChoices):
        MISCONDUCT = "misconduct", _("Misconduct")
        COMPLAINT = "complaint", _("Complaint")
        TRAINING_LAPSE = "training_lapse", _("Training lapse")
        RACIAL_PROFILING = "racial_profiling", _("Racial profiling (sustained)")
        NONCOMPLIANCE = "noncompliance", _("Noncompliance with the agreement")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting a decision")
        IMPOSED = "imposed", _("Imposed")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="sanctions")
    officer = models.ForeignKey("personnel.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="sanctions")
    agreement = models.ForeignKey("registry.Agreement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="sanctions")
    complaint = models.ForeignKey("oversight.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="sanctions")
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_reason = models.TextField(blank=True)
    # Officers: the day the authorizations end. Agreements: the notice date.
    start = models.DateField(null=True, blank=True)
    # Agreements: the day the notice takes effect under its template (policy ``effective``).
    effective = models.DateField(null=True, blank=True)
    length_days = models.PositiveIntegerField(null=True, blank=True)  # a suspension's stated length, if any
    lifted = models.DateField(null=True, blank=True)  # suspensions: when authority came back
    # Training-lapse proposals: the first day the refresher was no longer current (one proposal per lapse).
    lapsed = models.DateField(null=True, blank=True)
    notice = models.ForeignKey("registry.AgreementEvent", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # Officers: the authorizations this sanction ended, and those granted again when a suspension was lifted.
    authorizations = models.JSONField(default=list, blank=True)
    regranted = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "reason"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
