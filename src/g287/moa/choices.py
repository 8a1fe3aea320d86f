"""Choices, labels and audit event names of the MOA documents, once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Audit events. Named under "registry." on purpose: what they change is shown on the registry's agreement pages,
# and the registry's cached pages are retired by any audited "registry.…" write (reports.services.registry_version).
DOCUMENT_IMPORTED = "registry.moa.document_imported"
DOCUMENT_READ = "registry.moa.document_read"  # read again, e.g. once OCR of its scanned pages is done
DOCUMENT_MATCHED = "registry.moa.document_matched"
MATCH_CONFIRMED = "registry.moa.match_confirmed"
MATCH_CORRECTED = "registry.moa.match_corrected"
TEMPLATE_FROM_DOCUMENT = "registry.moa.template_from_document"

OCR_QUEUE = "moa"  # the task queue's queue for OCR jobs


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")
    UNMATCHED = "unmatched", _("Unmatched")
    CONFIRMED = "confirmed", _("Confirmed by the program office")
    CORRECTED = "corrected", _("Corrected by the program office")


# A match set by a person is kept: re-imports and re-matching leave it alone.
BY_HAND = (MatchStatus.CONFIRMED, MatchStatus.CORRECTED)
ATTACHED = (MatchStatus.MATCHED, MatchStatus.CONFIRMED, MatchStatus.CORRECTED)


class ReadStatus(models.TextChoices):
    READ = "read", _("Read")
    OCR_PENDING = "ocr_pending", _("Waiting for OCR of its scanned pages")


class TemplateSource(models.TextChoices):
    DOCUMENT = "document", _("the MOA document")
    INFERRED = "inferred", _("inferred from model and signing date")


class Departure(models.TextChoices):
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")
    CHANGED = "changed", _("Changed")


class Party(models.TextChoices):
    ICE = "ICE", _("ICE")
    LEA = "LEA", _("The agency (LEA)")


# The sections the issue names: which clause headings set them.
SECTIONS = {
    "functions": ("DESIGNATIONOFAUTHORIZEDFUNCTIONS",),
    "supervision": ("ICESUPERVISION",),
    "complaints": ("COMPLAINTPROCEDURES", "COMPLAINTS"),
    "termination": ("EFFECTIVEDATESUSPENSIONANDTERMINATIONOFTHISMOA", "EFFECTIVEDATEANDTERMINATIONOFTHISMOA",
                    "EFFECTIVEDATESUSPENSIONANDTERMINATION"),
}
SECTION_LABELS = {
    "functions": _("Delegated functions"),
    "supervision": _("Supervision"),
    "complaints": _("Complaint procedure"),
    "termination": _("Suspension and termination"),
}
