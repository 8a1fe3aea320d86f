"""What changed between ICE's publications, who asked to hear of it, and what ICE's site answered when fetched.

``Change`` is derived from the registry's lineage (``g287.changes.diff`` and ``services.refresh``): one row per
agreement or application that a publication changed against the previous publication of the same list. Its
``key`` is derived from content (the publication's hash, the kind and the agreement's or application's key), so
recomputing never renumbers a change and a feed entry keeps its id.
"""

from django.db import models

from g287.changes.choices import ChangeKind, FetchOutcome, Scope
from g287.registry.choices import AgreementModel


class Change(models.Model):
    key = models.CharField(max_length=320, unique=True)
    publication = models.ForeignKey("registry.Publication", on_delete=models.CASCADE, related_name="changes")
    previous = models.ForeignKey("registry.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    published = models.DateField()  # the publication's ICE date, for the weeks and feeds
    kind = models.CharField(max_length=24, choices=ChangeKind.choices)
    state = models.CharField(max_length=2)
    county = models.CharField(max_length=120, blank=True)
    agency = models.ForeignKey("registry.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agency_name = models.CharField(max_length=255)  # as this publication lists it
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    signed = models.DateField(null=True, blank=True)
    agreement = models.ForeignKey("registry.Agreement", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    agreement_key = models.CharField(max_length=240, blank=True)
    application = models.ForeignKey("registry.Application", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    before = models.CharField(max_length=500, blank=True)  # the value the previous publication listed
    after = models.CharField(max_length=500, blank=True)  # the value this publication lists
    first_seen = models.DateTimeField()  # when the registry first knew this change (digests, feed 'updated')

    class Meta:
        ordering = ["-published", "state", "agency_name", "kind"]
        indexes = [
            models.Index(fields=["published", "kind"], name="changes_published_kind"),
            models.Index(fields=["state", "published"], name="changes_state_published"),
            models.Index(fields=["first_seen"], name="changes_first_seen"),
        ]

    def __str__(self) -> str:
        return f"{self.published} {self.kind} {self.agency_name} ({self.state})"


class StoredOriginal(models.Model):
    """Where the original file of a publication is kept: a shipped file under data/ or a capture under var/.

    The download checks the file's hash against the publication's before serving it.
    """

    publication = models.OneToOneField("registry.Publication", on_delete=models.CASCADE, related_name="original")
    root = models.CharField(max_length=8)  # "data" (settings.DATA_DIR) or "var" (settings.VAR_DIR)
    path = models.CharField(max_length=500)  # relative to the root
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.root}:{self.path}"


class Subscription(models.Model):
    """An alert: an e-mail address and what it follows. The address is the only personal data kept."""

    email = models.EmailField(max_length=254)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    state = models.CharField(max_length=2)
    county = models.CharField(max_length=120, blank=True)
    agency = models.ForeignKey("registry.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, default="en")  # the messages' language, as chosen on the form
    token = models.CharField(max_length=64, unique=True)  # secret for the confirmation and unsubscribe links
    created = models.DateTimeField()
    confirmed = models.DateTimeField(null=True, blank=True)
    sent_through = models.DateTimeField(null=True, blank=True)  # changes first seen up to here were considered
    last_sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "scope", "state", "county", "agency"],
                                               name="changes_subscription_once")]
        indexes = [models.Index(fields=["confirmed", "last_sent"], name="changes_sub_due")]

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.scope})"


class Capture(models.Model):
    """One attempt to fetch one of ICE's lists: what came back, where the raw bytes are kept, what became of it."""

    kind = models.CharField(max_length=16)  # participating / pending
    url = models.URLField(max_length=1000)
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=FetchOutcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)  # the raw bytes, relative to settings.VAR_DIR
    message = models.TextField(blank=True)
    publication = models.ForeignKey("registry.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-at", "kind"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M} {self.outcome}"
