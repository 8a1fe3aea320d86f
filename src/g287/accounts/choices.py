"""Choices, labels and audit event names of accounts, once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_OFFICE = "program_office", _("ICE program office")
    FIELD_OFFICE = "field_office", _("ICE field office")
    SUPERVISOR = "supervisor", _("ICE field supervisor")
    INSPECTOR = "inspector", _("OPR inspector")
    LEA_COORDINATOR = "lea_coordinator", _("LEA coordinator")
    OFFICER = "officer", _("Designated immigration officer")
    OVERSIGHT = "oversight", _("Oversight reader")


class AuditAction:
    """The audit event names accounts write (``audit.services.record``)."""

    SECOND_FACTOR_ENROLMENT_STARTED = "accounts.second_factor_enrolment_started"
    SECOND_FACTOR_CONFIRMED = "accounts.second_factor_confirmed"
