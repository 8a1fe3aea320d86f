"""Officers an agreement may delegate authority to, their trainings and exams, and their authorizations.

Nothing here stores a status: certification, training currency and authorization are derived as of a
date from these facts (``g287.personnel.status``), by the same engine that decides actions.
Personal data is kept to what the rules need: an opaque reference instead of a name.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from g287.personnel.choices import BackgroundCheck, Course  # noqa: F401  (their home; imported from here too)
from g287.registry.choices import AgreementModel


class Officer(models.Model):
    """A designated immigration officer (DIO) nominated by an agency."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="officers")
    # The agency's badge or personnel reference, opaque to the system: no names are kept.
    reference = models.CharField(max_length=64)
    us_citizen = models.BooleanField(default=True)
    background_check = models.CharField(max_length=8, choices=BackgroundCheck.choices,
                                        default=BackgroundCheck.PENDING)
    # Years of LEA experience as stated in the nomination (the Task Force model requires two).
    # A float, so the value decided on is exactly the value given (1.99 years is short of two).
    lea_experience_years = models.FloatField(default=0, validators=[MinValueValidator(0)])
    nominated = models.DateField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)  # generated benchmark or test data, never real

    class Meta:
        ordering = ["agency_id", "reference"]
        constraints = [models.UniqueConstraint(fields=["agency", "reference"], name="officer_reference_per_agency")]

    def __str__(self) -> str:
        return f"Officer {self.reference}"


class Training(models.Model):
    """One course completed by an officer; its exams are listed in the order taken."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(max_length=10, choices=Course.choices)
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    completed = models.DateField()

    class Meta:
        ordering = ["officer_id", "completed", "id"]
        indexes = [models.Index(fields=["officer", "model"])]

    def __str__(self) -> str:
        return f"{self.get_course_display()} {self.model} {self.completed}"


class ExamScore(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="exams")
    order = models.PositiveSmallIntegerField()  # 1 = first attempt
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["training_id", "order"]
        constraints = [models.UniqueConstraint(fields=["training", "order"], name="exam_order_per_training")]

    def __str__(self) -> str:
        return f"exam {self.order}: {self.score}"


class Authorization(models.Model):
    """An officer's authorization under one agreement, from ``granted`` until ``revoked`` (if ever)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="authorizations")
    agreement = models.ForeignKey("registry.Agreement", on_delete=models.PROTECT, related_name="authorizations")
    granted = models.DateField()
    revoked = models.DateField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["officer_id", "granted", "id"]
        indexes = [models.Index(fields=["agreement", "officer"])]

    def __str__(self) -> str:
        return f"{self.officer} under agreement {self.agreement_id} from {self.granted}"
