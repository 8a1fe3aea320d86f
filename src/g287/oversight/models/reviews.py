"""Supervisor review: documents that need an ICE officer's signature, signed or returned with a reason."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewItem(models.Model):
    """One recorded action waiting for (or having had) a supervisor's signature."""

    class Reason(models.TextChoices):
        DOCUMENT = "document", _("Every document of this model is signed")
        SAMPLE = "sample", _("Selected in the review sample")
        DENIED = "denied", _("Recorded against the rules")

    class Decision(models.TextChoices):
        SIGNED = "signed", _("Signed")
        RETURNED = "returned", _("Returned")

    action = models.OneToOneField("operations.Action", on_delete=models.CASCADE, related_name="review")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="review_items",
                               db_index=False)  # the (agency, decision) index leads with it
    reason = models.CharField(max_length=10, choices=Reason.choices)
    queued = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["queued", "id"]
        indexes = [models.Index(fields=["agency", "decision"])]

    def __str__(self) -> str:
        return f"Review of action {self.action_id}"

    @property
    def pending(self) -> bool:
        return not self.decision


class ReviewSampleRate(models.Model):
    """The share of a WSO agency's served warrants a supervisor reviews; the row without agency is the
    program-wide default."""

    agency = models.OneToOneField("registry.Agency", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="review_sample_rate")
    rate = models.DecimalField(max_digits=4, decimal_places=3,
                               validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        # One program-wide default (agency empty) is kept by the service that sets it.
        verbose_name = "review sample rate"

    def __str__(self) -> str:
        return f"{self.rate:%} of served warrants"
