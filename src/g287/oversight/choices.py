"""Choices, labels and audit event names of oversight, once (the choices of one model only stay nested in it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Allegation(models.TextChoices):
    RACIAL_PROFILING = "racial_profiling", _("Racial profiling or discrimination")
    EXCESSIVE_FORCE = "excessive_force", _("Excessive force")
    UNLAWFUL_DETENTION = "unlawful_detention", _("Held or arrested without authority")
    CITIZENSHIP = "citizenship", _("A U.S. citizen treated as a noncitizen")
    LANGUAGE_ACCESS = "language_access", _("No interpreter or translation")
    CONDUCT = "conduct", _("Rude or unprofessional conduct")
    OTHER = "other", _("Something else")


class About(models.TextChoices):
    OFFICER = "officer", _("A designated immigration officer")
    DEPARTMENT = "department", _("The agency as a whole")
    NON_DESIGNATED = "non_designated", _("Personnel who are not designated officers")
    UNKNOWN = "unknown", _("Not known")


class Source(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public complaint form")
    PHONE = "phone", _("Telephone")
    MAIL = "mail", _("Mail")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")
    REFERRAL = "referral", _("Referred by another office")


class Outcome(models.TextChoices):
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    UNFOUNDED = "unfounded", _("Unfounded")
    EXONERATED = "exonerated", _("Exonerated")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ICE_NOTIFIED = "ice_notified", _("ICE notified")
    INVESTIGATING = "investigating", _("Investigating")
    RESOLVED = "resolved", _("Resolved")
    REPORTED = "reported", _("Resolution reported to ICE")


class AuditAction:
    """The audit event names oversight writes (``audit.services.record``)."""

    RECEIVE_COMPLAINT = "oversight.receive_complaint"
    NOTIFY_ICE = "oversight.notify_ice"
    FORWARD_COMPLAINT = "oversight.forward_complaint"  # a complaint about non-designated personnel
    START_INVESTIGATION = "oversight.start_investigation"
    RESOLVE_COMPLAINT = "oversight.resolve_complaint"
    REPORT_RESOLUTION = "oversight.report_resolution"
    RECORD_INSPECTION = "oversight.record_inspection"
    ADD_FINDING = "oversight.add_finding"
    ADD_CORRECTIVE_ACTION = "oversight.add_corrective_action"
    CLOSE_CORRECTIVE_ACTION = "oversight.close_corrective_action"
    SET_INSPECTION_CYCLE = "oversight.set_inspection_cycle"
    ENQUEUE_REVIEW = "oversight.enqueue_review"
    BACKFILL_REVIEW_QUEUE = "oversight.backfill_review_queue"
    SIGN_REVIEW = "oversight.sign_review"
    RETURN_REVIEW = "oversight.return_review"
    SET_SAMPLE_RATE = "oversight.set_sample_rate"
    IMPOSE_SANCTION = "oversight.impose_sanction"
    PROPOSE_SANCTION = "oversight.propose_sanction"
    ACCEPT_SANCTION = "oversight.accept_sanction"
    DECLINE_SANCTION = "oversight.decline_sanction"
    LIFT_SANCTION = "oversight.lift_sanction"
