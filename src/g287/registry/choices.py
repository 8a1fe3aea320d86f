from django.db import models


class AgreementModel(models.TextChoices):
    JEM = "JEM", "Jail Enforcement Model"
    WSO = "WSO", "Warrant Service Officer"
    TFM = "TFM", "Task Force Model"
    HYBRID = "HYBRID", "Hybrid (legacy)"


class TemplateVersion(models.TextChoices):
    T2009 = "2009", "2009 template"
    T2013 = "2013", "2013 template"
    T2016 = "2016", "2016 template"
    T2019 = "2019", "2019 template"
    T2020 = "2020", "2020 template"
    T2025 = "2025", "2025 template"


class Party(models.TextChoices):
    ICE = "ICE", "ICE"
    LEA = "LEA", "The agency (LEA)"


class AuditAction:
    """The audit event names the registry writes (audit.services.record)."""

    IMPORT_PUBLICATION = "registry.import_publication"
    IMPORT_ROSTER = "registry.import_roster"
    LINEAGE_DECISION = "registry.lineage_decision"
