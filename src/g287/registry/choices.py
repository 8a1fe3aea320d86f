from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementModel(models.TextChoices):
    JEM = "JEM", _("Jail Enforcement Model")
    WSO = "WSO", _("Warrant Service Officer")
    TFM = "TFM", _("Task Force Model")
    HYBRID = "HYBRID", _("Hybrid (legacy)")


class TemplateVersion(models.TextChoices):
    T2009 = "2009", _("2009 template")
    T2013 = "2013", _("2013 template")
    T2016 = "2016", _("2016 template")
    T2019 = "2019", _("2019 template")
    T2020 = "2020", _("2020 template")
    T2025 = "2025", _("2025 template")


class Party(models.TextChoices):
    ICE = "ICE", _("ICE")
    LEA = "LEA", _("The agency (LEA)")


class ListingStatus(models.TextChoices):
    """An agreement's status in ICE's lists alone."""

    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")
    SUPERSEDED = "superseded", _("Superseded")


class Status(models.TextChoices):
    """An agreement's status on a day: a notice in effect (``registry.notices``) before ICE's listing."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATION_PENDING = "termination_pending", _("Termination pending")
    SUSPENSION_PENDING = "suspension_pending", _("Suspension pending")
    TERMINATED = "terminated", _("Terminated")
    REMOVED = "removed", _("Removed")
    SUPERSEDED = "superseded", _("Superseded")


class NoticeStatus(models.TextChoices):
    TERMINATED = "terminated", _("Terminated")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATION_PENDING = "termination_pending", _("Termination pending")
    SUSPENSION_PENDING = "suspension_pending", _("Suspension pending")


class AuditAction:
    """The audit event names the registry writes (audit.services.record)."""

    IMPORT_PUBLICATION = "registry.import_publication"
    IMPORT_ROSTER = "registry.import_roster"
    LINEAGE_DECISION = "registry.lineage_decision"
    # Notices given on an agreement (written by personnel.services, which records them).
    SUSPENSION_NOTICE = "registry.suspension_notice"
    TERMINATION_NOTICE = "registry.termination_notice"
    LIFT_SUSPENSION = "registry.lift_suspension"
