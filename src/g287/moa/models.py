"""Signed MOA documents: each PDF once by its SHA-256, what was read from it, and the agreement it is.

The link to the registry's agreement and the evidence for it live here, not in the registry: the registry knows
nothing of documents (imports point moa → registry). ``agreement_key`` keeps the link readable when the
registry's lineage rebuilds its agreements.
"""

from django.conf import settings
from django.db import models

from g287.moa.choices import MatchStatus, ReadStatus


class MoaDocument(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    # Where the PDF is kept: relative to the data folder for shipped documents, else var/moa/<sha256>.pdf.
    stored_as = models.CharField(max_length=500)
    size = models.PositiveIntegerField(default=0)
    provenance = models.JSONField(default=dict, blank=True)  # the archive's index row: state, agency, capture
    imported = models.DateTimeField(auto_now_add=True)

    pages = models.PositiveSmallIntegerField(default=0)
    read_status = models.CharField(max_length=12, choices=ReadStatus.choices, default=ReadStatus.READ)
    ocr_pages = models.JSONField(default=list, blank=True)  # 1-based numbers of the pages read by OCR
    text = models.TextField(blank=True, default="")  # every page, text layer or OCR, page by page

    # What the document says.
    model = models.CharField(max_length=8, blank=True, default="")
    template_version = models.CharField(max_length=4, blank=True, default="")
    template_revision = models.DateField(null=True, blank=True)  # the footer's "Revised MM/DD/YYYY"
    template_reason = models.CharField(max_length=255, blank=True, default="")
    template_note = models.CharField(max_length=255, blank=True, default="")  # e.g. no rules file: not applied
    agency_name = models.CharField(max_length=255, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="")
    signed = models.DateField(null=True, blank=True)
    signatories = models.JSONField(default=list, blank=True)  # [{name, title, party, source}]
    sections = models.JSONField(default=dict, blank=True)  # functions, supervision, complaints, termination
    clauses = models.JSONField(default=list, blank=True)  # [[key, heading, normalized text]]
    departures = models.JSONField(default=list, blank=True)  # against the template's standard text
    standard_note = models.CharField(max_length=255, blank=True, default="")

    # Which agreement it is.
    agreement = models.ForeignKey("registry.Agreement", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="moa_documents")
    agreement_key = models.CharField(max_length=240, blank=True, default="")
    match_status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED)
    match_confidence = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    match_alternatives = models.JSONField(default=list, blank=True)
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "file_name"]
        indexes = [models.Index(fields=["model", "template_version"], name="moa_doc_template")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def ocr(self) -> bool:
        return bool(self.ocr_pages)
