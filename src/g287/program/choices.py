"""Choices, labels and audit event names of program management, once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CostParty(models.TextChoices):
    FEDERAL = "federal", _("Federal (ICE)")
    LOCAL = "local", _("Local (the agency)")


class CostCategory(models.TextChoices):
    # Federal funds, the brief: training, IT infrastructure, program management, oversight.
    TRAINING = "training", _("Training of officers")
    IT = "it", _("IT infrastructure")
    PROGRAM_MANAGEMENT = "program_management", _("Program management")
    OVERSIGHT = "oversight", _("Oversight")
    # Local funds: salaries and overtime, supplies, security equipment, training-related expenses.
    SALARIES = "salaries", _("Officer salaries")
    OVERTIME = "overtime", _("Overtime")
    SUPPLIES = "supplies", _("Administrative supplies")
    EQUIPMENT = "equipment", _("Security equipment")
    TRAINING_EXPENSES = "training_expenses", _("Training-related expenses (travel, lodging)")


class AuditAction:
    """The audit event names program management writes (``audit.services.record``)."""

    CREATE_APPLICATION = "program.create_application"
    IMPORT_PENDING_APPLICATIONS = "program.import_pending_applications"
    UPDATE_DECLARATIONS = "program.update_declarations"
    START_EVALUATION = "program.start_evaluation"
    EVALUATE = "program.evaluate"
    APPROVE = "program.approve"
    DENY = "program.deny"
    WITHDRAW = "program.withdraw"
    SET_TARGET = "program.set_target"

    @staticmethod
    def save_entry(name: str) -> str:
        """An entered fact saved (``name`` as in ``services.ENTRY_MODELS``: ``program.save_appropriation``…)."""
        return f"program.save_{name}"

    @staticmethod
    def delete_entry(name: str) -> str:
        return f"program.delete_{name}"
