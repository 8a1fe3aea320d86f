"""Agencies, agreements and their events, field offices, and the ICE publications they came from.

Keys (``key``) are derived from content, so a re-import never renumbers anything.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from g287.registry.choices import AgreementModel, Party, TemplateVersion


class FieldOffice(models.Model):
    """An ICE ERO field office and the states of its area of responsibility."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    states = models.JSONField(default=list)  # USPS codes of every state it works in, wholly or in part
    # The states it holds only in part, each with its counties (registry.field_offices.county_key):
    # {"TX": ["harris", "fortbend", …]}. A state not named here is wholly in its area.
    counties = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=255)
    state = models.CharField(max_length=2, db_index=True)
    ice_type = models.CharField(max_length=80, blank=True)  # ICE's TYPE column: County, Municipality, State, ...
    county = models.CharField(max_length=120, blank=True)
    field_office = models.ForeignKey(FieldOffice, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="agencies")
    # A reimbursable immigration detention agreement (IGSA) changes the TRANSFER_OR_RELEASE obligation.
    detention_agreement = models.BooleanField(default=False)
    # From the FBI employee roster, when matched (registry.importers.roster).
    ori = models.CharField(max_length=9, blank=True, default="", db_index=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    sworn_officers = models.PositiveIntegerField(null=True, blank=True)
    civilians = models.PositiveIntegerField(null=True, blank=True)
    roster_name = models.CharField(max_length=255, blank=True, default="")
    roster_score = models.FloatField(null=True, blank=True)  # rapidfuzz score 0-100 of the accepted match
    roster_note = models.CharField(max_length=255, blank=True, default="")  # why unmatched, or how the match was chosen

    class Meta:
        ordering = ["state", "name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class Agreement(models.Model):
    """One MOA: an agency, a model, a signing date, and the template whose terms apply."""

    key = models.CharField(max_length=240, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreements")
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    template_version = models.CharField(max_length=4, choices=TemplateVersion.choices, blank=True)
    template_inferred = models.BooleanField(default=True)  # False once read from the MOA document itself
    signed = models.DateField(null=True, blank=True)
    expires = models.DateField(null=True, blank=True)  # legacy fixed-term agreements only
    template_reason = models.CharField(max_length=255, blank=True, default="")  # why this template (when inferred)

    class MoaLink(models.TextChoices):
        LINKED = "linked", "Linked (URL)"
        NAMED = "named", "Named without a link"
        NONE = "none", "None"

    # As ICE's newest listing of this agreement shows it.
    moa_link = models.CharField(max_length=8, choices=MoaLink.choices, default=MoaLink.NONE)
    moa_url = models.URLField(max_length=500, blank=True, default="")
    addendum = models.BooleanField(default=False)
    addendum_url = models.URLField(max_length=500, blank=True, default="")

    # Lineage across ICE's publications (registry.lineage recomputes these from the observations).
    first_listed = models.ForeignKey("registry.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    last_listed = models.ForeignKey("registry.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="supersedes")
    # Cached status as of the newest imported publication; agreement_status(agreement, as_of) derives it.
    status = models.CharField(max_length=12, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["agency__state", "agency__name", "model", "signed"]

    def __str__(self) -> str:
        return f"{self.agency.name} — {self.model} ({self.signed or 'date unknown'})"


class AgreementEvent(models.Model):
    """Something that happened to an agreement, with its date.

    Suspension and termination notices carry who gave them, whether they were exigent, and (for a
    suspension) when it was lifted; when they take effect is the template's rule (policy/), not stored.
    """

    class Kind(models.TextChoices):
        SIGNED = "signed", "Signed"
        LISTED = "listed", "First listed by ICE"
        RENEWAL = "renewal", "Renewed (same model re-signed)"
        MODEL_SWITCH = "model_switch", "Model switch"
        RENAMED = "renamed", "Renamed in ICE's list"
        REDATED = "redated", "Re-dated in ICE's list"
        REMOVED = "removed", "Removed from ICE's list"
        RELISTED = "relisted", "Listed again"
        ADDENDUM = "addendum", "Addendum"
        SUSPENSION = "suspension", "Suspension notice"
        TERMINATION = "termination", "Termination notice"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()  # the notice date for suspension/termination
    by = models.CharField(max_length=3, choices=Party.choices, blank=True)
    exigent = models.BooleanField(default=False)
    lifted = models.DateField(null=True, blank=True)  # suspensions only
    note = models.TextField(blank=True)
    publication = models.ForeignKey("registry.Publication", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="events")

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["agreement", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class PlacedPublications(models.Manager):
    """What the registry shows: the publications the lineage has placed."""

    def get_queryset(self):
        return super().get_queryset().filter(placed=True)


class Publication(models.Model):
    """One ICE list as captured: which list, in which form, ICE's date, when it was captured, its content hash.

    A publication counts (status as of a day, statistics, pages) only once the lineage has placed it
    (``placed``), so an import stopped half-way leaves the registry as it was before.
    """

    class Kind(models.TextChoices):
        PARTICIPATING = "participating", _("Participating agencies")
        PENDING = "pending", _("Pending agencies")

    class Source(models.TextChoices):
        SPREADSHEET = "spreadsheet", "ICE spreadsheet"
        WEB_TABLE = "web_table", "Table on ICE's 287(g) web page"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SPREADSHEET)
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500, blank=True, default="")  # where it was read from, relative when shipped
    sha256 = models.CharField(max_length=64, unique=True)
    published = models.DateField()  # ICE's date in the file name, else the capture's date (see note)
    edition = models.CharField(max_length=8, blank=True)  # ICE's suffix: "am", "mid", "pm", "pmB", "pm2" …
    captured = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)  # rows kept as QuarantinedObservation
    note = models.CharField(max_length=500, blank=True, default="")  # how the file was dated or read
    placed = models.BooleanField(default=True, db_index=True)  # an import stores its lists unplaced
    imported = models.DateTimeField(auto_now_add=True)

    objects = PlacedPublications()
    all_objects = models.Manager()  # with the ones an import has stored and the lineage not yet placed

    class Meta:
        ordering = ["published", "edition", "captured", "id"]
        indexes = [models.Index(fields=["kind", "published"], name="registry_pub_kind_published")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def dated_by(self) -> str:
        """How the publication's date was known, in words."""
        if self.source == self.Source.WEB_TABLE:
            return "the web archive's capture of ICE's 287(g) page (the page carries no date)"
        if re.search(r"-\d{14}\.xlsx$", self.file_name):
            return "the web archive's capture (ICE's own file name was not kept)"
        return "ICE's file name"


class Application(models.Model):
    """An agency's pending application for a model, as ICE's pending list shows it.

    Closed once the same agency and model appear on a participating list.
    """

    key = models.CharField(max_length=240, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="applications")
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    first_listed = models.ForeignKey(Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_listed = models.ForeignKey(Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="applications")  # the agreement that closed it
    closed_by = models.ForeignKey(Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, blank=True, db_index=True)  # cached as of the newest publication

    class Meta:
        ordering = ["agency__state", "agency__name", "model"]

    def __str__(self) -> str:
        return f"{self.agency.name} — {self.model} application"


class Observation(models.Model):
    """One row of one publication: what ICE listed, where, and which agreement or application it is."""

    # No index of its own: the (publication, row) constraint's index leads with it.
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="observations",
                                    db_index=False)
    row = models.PositiveIntegerField()  # the spreadsheet's row number (1 = header)
    identity = models.CharField(max_length=240)  # content-derived key of the row as listed (the lineage reads all)
    # No index of its own: the (agreement, publication) index below leads with it.
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="observations", db_index=False)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="observations")
    state = models.CharField(max_length=2)
    name = models.CharField(max_length=255)
    ice_type = models.CharField(max_length=80, blank=True)
    county = models.CharField(max_length=120, blank=True)
    model = models.CharField(max_length=8, choices=AgreementModel.choices)
    signed = models.DateField(null=True, blank=True)
    moa_text = models.CharField(max_length=255, blank=True)
    moa_url = models.URLField(max_length=500, blank=True)
    addendum_text = models.CharField(max_length=255, blank=True)
    addendum_url = models.URLField(max_length=500, blank=True)
    moa_capture_url = models.URLField(max_length=800, blank=True, default="")  # the web archive's URL around moa_url
    note = models.CharField(max_length=500, blank=True)  # how a cell was repaired (misspelled model, typed date)

    class Meta:
        ordering = ["publication", "row"]
        constraints = [models.UniqueConstraint(fields=["publication", "row"], name="registry_observation_row")]
        # The status of an agreement as of a day asks "listed on this publication?" and "listed on a
        # participating list by then?" per agreement: both answered from this index alone.
        indexes = [models.Index(fields=["agreement", "publication"], name="registry_obs_agreement_pub")]

    def __str__(self) -> str:
        return f"{self.publication} row {self.row}"


class LineageCandidate(models.Model):
    """A rename, re-dating or duplicate listing the lineage considered: merged when only one reading fits, else
    declined."""

    class Kind(models.TextChoices):
        RENAME = "rename", "Rename"
        REDATE = "redate", "Re-dated"
        DUPLICATE = "duplicate", "Listed twice"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    merged = models.BooleanField()
    old = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lineage_as_old")
    new = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="lineage_as_new")
    old_identity = models.CharField(max_length=240)
    new_identity = models.CharField(max_length=240)
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["publication", "old_identity", "new_identity"]


class QuarantinedObservation(models.Model):
    """A row of a publication that cannot be read as an agreement or application: kept with its raw cells and
    the reason, never guessed into an agreement and never dropped."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="quarantined_rows")
    row = models.PositiveIntegerField()
    cells = models.JSONField(default=dict)  # header → the cell as ICE published it
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["publication", "row"]
        constraints = [models.UniqueConstraint(fields=["publication", "row"], name="registry_quarantine_row")]

    def __str__(self) -> str:
        return f"{self.publication} row {self.row} (quarantined)"


class LineageDecision(models.Model):
    """A program-office decision on a lineage candidate, by the two rows' content-derived identities, so that
    every recompute applies it: confirm a declined merge, reject it for good, or split a merge the lineage made."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", "Confirmed: the same agreement"
        REJECT = "reject", "Rejected: different agreements"
        SPLIT = "split", "Split: a merge undone"

    kind = models.CharField(max_length=12, choices=LineageCandidate.Kind.choices)
    old_identity = models.CharField(max_length=240)
    new_identity = models.CharField(max_length=240)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.TextField()
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["old_identity", "new_identity"], name="registry_decision_pair")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.old_identity} → {self.new_identity}"


class LineageCheckpoint(models.Model):
    """The lineage fold's state after the last placed publication, so a newer list resumes the fold instead of
    replaying five years. ``order_key`` is that publication's place in publication order; ``placed`` how many
    publications the state covers. Any publication that sorts before it makes the next run a full recompute."""

    order_key = models.CharField(max_length=200)
    placed = models.PositiveIntegerField()
    state = models.BinaryField()
    saved = models.DateTimeField(auto_now=True)
