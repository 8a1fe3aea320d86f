"""Actions taken under delegated authority, the decision the engine gave, and the obligations they create.

Time: the rules are written in the agency's local calendar and clock, so an action keeps the local wall
time the engine decided on (``local_date`` + ``local_time``) and the UTC instant it corresponds to
(``at``). Obligation due times keep both as well (``due`` instant, ``due_local`` wall time as ISO text), so
what the engine said is stored exactly, even for a wall time that a daylight-saving change skips.
"""

from django.conf import settings
from django.db import models

from g287.operations.choices import FUNCTION_CHOICES, ChargeLevel, CriminalCharge, Location  # noqa: F401
from g287.policy.facts import ACTION_FACTS, ActionFact

# An action's facts are declared once (``g287.policy.facts.ACTION_FACTS``); their choices (``choices.py``) and
# columns follow.


def _column(fact: ActionFact) -> models.Field:
    """The stored column of one of an action's facts."""
    if fact.type is bool:
        return models.BooleanField(default=fact.default)
    options = {"max_length": fact.max_length}
    if fact.choices:
        options["choices"] = list(fact.choices)
    if fact.default == "":
        options["blank"] = True
    elif fact.default is not None:
        options["default"] = fact.default
    return models.CharField(**options)


def _columns(names) -> dict[str, models.Field]:
    return {f.name: _column(f) for f in ACTION_FACTS if f.name in names}


class Action(models.Model):
    # No index of their own: the (officer, local_date) and (agreement, local_date) indexes below lead with them,
    # and every index is written again for each recorded action.
    officer = models.ForeignKey("personnel.Officer", on_delete=models.PROTECT, related_name="actions", db_index=False)
    agreement = models.ForeignKey("registry.Agreement", on_delete=models.PROTECT, related_name="actions",
                                  db_index=False)
    locals().update(_columns({"function"}))  # the class body's namespace: these become model fields
    at = models.DateTimeField()  # the UTC instant
    local_date = models.DateField()  # the agency's local calendar date: what every date rule uses
    local_time = models.TimeField()
    # Where, and the subject: an opaque reference and only the facts the rules need (and the charge's level).
    locals().update(_columns({f.name for f in ACTION_FACTS} - {"function"}))
    # The decision as given when the action was recorded.
    allowed = models.BooleanField()
    flagged_for_review = models.BooleanField(default=False)  # every denied action goes to a supervisor
    recorded = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    synthetic = models.BooleanField(default=False)  # generated benchmark or test data, never real

    class Meta:
        ordering = ["local_date", "local_time", "id"]
        indexes = [
            models.Index(fields=["agreement", "local_date"]),
            models.Index(fields=["officer", "local_date"]),
            models.Index(fields=["local_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.function} on {self.local_date} by {self.officer}"

    @property
    def local_at(self):
        from datetime import datetime

        return datetime.combine(self.local_date, self.local_time)


class ActionViolation(models.Model):
    """One violated rule of a denied action (a row per code, so 'which actions broke rule X' is an index scan)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="violations")
    code = models.CharField(max_length=48, db_index=True)
    message = models.TextField()
    citation = models.TextField(blank=True)

    class Meta:
        ordering = ["action_id", "code"]

    def __str__(self) -> str:
        return self.code


class Obligation(models.Model):
    """A deadline an allowed action created (rules.md §6)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="obligations")
    code = models.CharField(max_length=48, db_index=True)
    due = models.DateTimeField()  # the UTC instant
    due_local = models.CharField(max_length=19)  # the agency's wall time, ISO, as the engine gave it
    message = models.TextField(blank=True)
    citation = models.TextField(blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.code} due {self.due_local}"


class ActionReference(models.Model):
    """The reporting system's own reference for a recorded action, unique per agency.

    A CSV upload (or an API client) names each action with it, so sending the same rows again records
    nothing twice; the action itself is unchanged by it.
    """

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+",
                               db_index=False)  # the unique (agency, external_ref) index leads with it
    external_ref = models.CharField(max_length=64)
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="reference")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "external_ref"], name="action_ref_per_agency")]

    def __str__(self) -> str:
        return self.external_ref


class OfficerAccount(models.Model):
    """The sign-in of a designated officer: an officer records and sees only their own actions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_account")
    officer = models.OneToOneField("personnel.Officer", on_delete=models.CASCADE, related_name="account")

    def __str__(self) -> str:
        return f"{self.user} is {self.officer}"


class OverdueNotice(models.Model):
    """The deadline check noticed that an obligation was overdue.

    Whether an obligation is overdue is always derived (due before the moment, not fulfilled by then);
    this row only records that the periodic check saw it and when, so each obligation is noticed once.
    """

    class Kind(models.TextChoices):
        ACTION = "action", "Obligation of an action"
        COMPLAINT = "complaint", "Obligation of a complaint"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    obligation_id = models.BigIntegerField()
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=48)
    due = models.DateTimeField()
    overdue_since = models.DateTimeField()  # = due: overdue from the due instant on
    noticed_at = models.DateTimeField()  # when the check ran
    check_as_of = models.DateTimeField()  # the moment the check was asked about

    class Meta:
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "obligation_id"], name="one_notice_per_obligation")]
        indexes = [models.Index(fields=["agency", "due"])]

    def __str__(self) -> str:
        return f"{self.code} overdue since {self.overdue_since}"


class Upload(models.Model):
    """A CSV batch recorded by the task queue: what its page shows while it runs and after (progress, the
    result or the grouped errors). Small files are recorded while the reader waits and leave no row here."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the task queue"
        CHECKING = "checking", "Checking every row"
        RECORDING = "recording", "Recording"
        DONE = "done", "Recorded"
        REJECTED = "rejected", "Refused: nothing was recorded"
        FAILED = "failed", "Stopped by an error"

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    result = models.JSONField(null=True, blank=True)  # UploadResult.as_dict() or UploadRejected.as_dict()
    created = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.RECORDING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
