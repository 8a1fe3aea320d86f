"""Program management: applications and their evaluation, annual targets, capacity, funding.

Statuses of applications are a workflow the program office moves by decisions (each one a dated, audited
service call). Capacity and funding rows are facts entered with their dates; every figure drawn from them
(ratios, backlogs, cost per agreement) is derived as of a day or for a fiscal year, never stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from g287.program.choices import ApplicationStatus, CostCategory, CostParty  # noqa: F401  (their home)
from g287.registry.choices import AgreementModel


OPEN_STATUSES = (ApplicationStatus.RECEIVED, ApplicationStatus.UNDER_EVALUATION)


class ProgramApplication(models.Model):
    """An agency's application for one model, as the program evaluates and decides it.

    ``ice_application`` links it to the application ICE listed on its pending list, when it came from there;
    staff may also enter an application ICE never listed.
    """

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="program_applications")
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    ice_application = models.OneToOneField("registry.Application", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="program_application")
    received = models.DateField()
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED,
                              db_index=True)

    # What the applicant declares about its civil-rights record (criterion b).
    declared_lawsuits = models.PositiveIntegerField(
        default=0, help_text="Civil-rights lawsuits against the agency pending or decided against it in the last five years.")
    declared_consent_decrees = models.PositiveIntegerField(
        default=0, help_text="Consent decrees or settlement agreements with the Department of Justice in force or ended in the last five years.")
    declared_findings = models.PositiveIntegerField(
        default=0, help_text="Findings of discrimination or racial profiling by a court, the Department of Justice or a state authority in the last five years.")
    declared_notes = models.TextField(blank=True)

    # Capacity as a force multiplier (criterion c): indicators entered from the application or ICE's data.
    annual_bookings = models.PositiveIntegerField(null=True, blank=True,
                                                  help_text="People booked into the agency's jail in the last year.")
    foreign_born_share = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of bookings of people born outside the United States, in percent.")
    ice_encounters = models.PositiveIntegerField(
        null=True, blank=True, help_text="Encounters with potentially removable people in the last year, from ICE's data.")
    # Officers the agency plans to nominate: the load approval would add to supervision and training.
    officers_planned = models.PositiveIntegerField(default=0)

    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # On approval: the capacity shortfalls shown to the decider and whether they acknowledged them.
    shortfalls = models.JSONField(default=list, blank=True)
    shortfall_acknowledged = models.BooleanField(default=False)

    class Meta:
        ordering = ["received", "id"]
        indexes = [models.Index(fields=["agency", "model"])]

    def __str__(self) -> str:
        return f"{self.agency.name} — {self.model} application ({self.received})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def latest_evaluation(self):
        return self.evaluations.order_by("-as_of", "-id").first()


class Evaluation(models.Model):
    """One scoring of an application on the three criteria, each 0–100 with its reasons in plain sentences."""

    application = models.ForeignKey(ProgramApplication, on_delete=models.CASCADE, related_name="evaluations")
    as_of = models.DateField()
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    resources_score = models.PositiveSmallIntegerField()
    resources_reasons = models.JSONField(default=list)
    civil_rights_score = models.PositiveSmallIntegerField()
    civil_rights_reasons = models.JSONField(default=list)
    capacity_score = models.PositiveSmallIntegerField()
    capacity_reasons = models.JSONField(default=list)
    total = models.DecimalField(max_digits=5, decimal_places=1)
    weights = models.JSONField(default=dict)  # the weights used, so an old evaluation stays explainable

    class Meta:
        ordering = ["application_id", "as_of", "id"]

    def __str__(self) -> str:
        return f"Evaluation of {self.application_id} on {self.as_of}: {self.total}"


class AnnualTarget(models.Model):
    """The number of new agreements the program office aims to sign in a fiscal year."""

    fiscal_year = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(2002)])
    target = models.PositiveIntegerField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    set_on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}: {self.target}"


# ---------------------------------------------------------------- capacity

class CapacityLimits(models.Model):
    """The limits an approval is checked against, from ``effective`` until the next row."""

    effective = models.DateField(unique=True)
    max_officers_per_supervisor = models.PositiveIntegerField()
    training_window_days = models.PositiveIntegerField()  # a seat must be open in a class starting within this
    max_pending_installations = models.PositiveIntegerField()  # IT installations waiting, program-wide
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["effective"]
        verbose_name_plural = "capacity limits"

    def __str__(self) -> str:
        return f"Capacity limits from {self.effective}"


class SupervisorStaffing(models.Model):
    """How many ICE field supervisors a field office has for 287(g) agencies, from ``start`` until ``end``."""

    field_office = models.ForeignKey("registry.FieldOffice", on_delete=models.PROTECT, related_name="staffing")
    supervisors = models.PositiveIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)  # exclusive; open-ended when empty
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["field_office__name", "start"]
        verbose_name_plural = "supervisor staffing"

    def __str__(self) -> str:
        return f"{self.field_office}: {self.supervisors} from {self.start}"


class TrainingClass(models.Model):
    """A scheduled class for one model's basic course, with its seats."""

    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    start = models.DateField()
    end = models.DateField()
    location = models.CharField(max_length=120)
    seats = models.PositiveIntegerField()
    seats_taken = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start", "model", "id"]
        verbose_name_plural = "training classes"

    def __str__(self) -> str:
        return f"{self.model} class {self.start} ({self.location})"

    @property
    def seats_open(self) -> int:
        return max(self.seats - self.seats_taken, 0)


class ITInstallation(models.Model):
    """ICE systems access installed at an agency: requested on a day, installed on a later one."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="it_installations")
    requested = models.DateField()
    installed = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["requested", "id"]
        verbose_name = "IT installation"

    def __str__(self) -> str:
        return f"IT installation at {self.agency} requested {self.requested}"


# ---------------------------------------------------------------- funding

class Appropriation(models.Model):
    """Federal money appropriated to the 287(g) program for a fiscal year (``amount`` empty when not known)."""

    fiscal_year = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(2006)])
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=255)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}"


PARTY_OF = {
    CostCategory.TRAINING: CostParty.FEDERAL,
    CostCategory.IT: CostParty.FEDERAL,
    CostCategory.PROGRAM_MANAGEMENT: CostParty.FEDERAL,
    CostCategory.OVERSIGHT: CostParty.FEDERAL,
    CostCategory.SALARIES: CostParty.LOCAL,
    CostCategory.OVERTIME: CostParty.LOCAL,
    CostCategory.SUPPLIES: CostParty.LOCAL,
    CostCategory.EQUIPMENT: CostParty.LOCAL,
    CostCategory.TRAINING_EXPENSES: CostParty.LOCAL,
}


class AgencyCost(models.Model):
    """A cost of an agency's participation in a fiscal year; who pays follows from the category."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="program_costs")
    fiscal_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2002)])
    category = models.CharField(max_length=20, choices=CostCategory.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["fiscal_year", "agency_id", "category"]
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year", "category"],
                                               name="program_cost_per_agency_year_category")]

    def __str__(self) -> str:
        return f"{self.agency} FY{self.fiscal_year} {self.category}"

    @property
    def party(self) -> str:
        return PARTY_OF[CostCategory(self.category)]


class ScaapReimbursement(models.Model):
    """A State Criminal Alien Assistance Program award to an agency for a fiscal year."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="scaap_reimbursements")
    fiscal_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2002)])
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["fiscal_year", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year"], name="program_scaap_per_agency_year")]
        verbose_name = "SCAAP reimbursement"

    def __str__(self) -> str:
        return f"SCAAP {self.agency} FY{self.fiscal_year}"
