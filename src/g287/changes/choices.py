"""Choices and their labels, once: kinds of change, alert scopes, fetch outcomes; audit event names."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    # Participating list (agreements).
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")
    RETURNED = "returned", _("Listed again")
    RENEWAL = "renewal", _("Renewed")
    MODEL_SWITCH = "model_switch", _("Model switch")
    RENAMED = "renamed", _("Renamed")
    REDATED = "redated", _("Signing date changed")
    MOA_LINK = "moa_link", _("MOA link posted or changed")
    ADDENDUM = "addendum", _("Addendum")
    # Pending list (applications).
    APPLIED = "application", _("Application listed")
    APPLICATION_SIGNED = "application_signed", _("Application signed")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application left the pending list")


AGREEMENT_KINDS = (ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.RETURNED, ChangeKind.RENEWAL,
                   ChangeKind.MODEL_SWITCH, ChangeKind.RENAMED, ChangeKind.REDATED, ChangeKind.MOA_LINK,
                   ChangeKind.ADDENDUM)
APPLICATION_KINDS = (ChangeKind.APPLIED, ChangeKind.APPLICATION_SIGNED, ChangeKind.APPLICATION_WITHDRAWN)


class Scope(models.TextChoices):
    STATE = "state", _("A state")
    COUNTY = "county", _("A county")
    AGENCY = "agency", _("An agency")


class FetchOutcome(models.TextChoices):
    IMPORTED = "imported", _("New content imported")
    UNCHANGED = "unchanged", _("Unchanged (already imported)")
    NOT_SPREADSHEET = "not_spreadsheet", _("Not a spreadsheet (an HTML page or other content)")
    FAILED = "failed", _("Download failed")
    REJECTED = "rejected", _("Spreadsheet refused by the importer")


class AuditAction:
    """The audit event names the changes write (``audit.services.record``)."""

    SUBSCRIBE = "changes.subscribe"
    CONFIRM = "changes.confirm_subscription"
    UNSUBSCRIBE = "changes.unsubscribe"
    DIGEST = "changes.send_digest"
    FETCH = "changes.fetch_ice"
