"""Choices and their labels, once: kinds of change, alert scopes, fetch outcomes."""

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


# Audit event names.
AUDIT_SUBSCRIBE = "changes.subscribe"
AUDIT_CONFIRM = "changes.confirm_subscription"
AUDIT_UNSUBSCRIBE = "changes.unsubscribe"
AUDIT_DIGEST = "changes.send_digest"
AUDIT_FETCH = "changes.fetch_ice"
