"""Choices, labels and audit event names of personnel, once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundCheck(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending")
    DENIED = "denied", _("Denied")


class Course(models.TextChoices):
    BASIC = "basic", _("Basic (initial) course")
    REFRESHER = "refresher", _("Refresher")


class AuditAction:
    """The audit event names personnel writes (``audit.services.record``)."""

    NOMINATE_OFFICER = "personnel.nominate_officer"
    UPDATE_ELIGIBILITY = "personnel.update_eligibility"
    RECORD_TRAINING = "personnel.record_training"
    GRANT_AUTHORIZATION = "personnel.grant_authorization"
    REVOKE_AUTHORIZATION = "personnel.revoke_authorization"
