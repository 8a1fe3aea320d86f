from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write made by a service function: who, what, when, before and after.

    Append-only and hash-chained: each event's hash covers its content and the previous hash, so
    ``g287 audit verify`` finds any row altered or removed.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"


class AuditChainHead(models.Model):
    """The newest event's sequence number and hash, updated with every append.

    Walking the chain finds altered or missing rows in the middle; the head also finds rows cut off
    the end, which a chain walk alone cannot see.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # The hash before the newest event's: kept by the same UPDATE that takes the next number, so the
    # appending statement can link the new event without reading the head first.
    prev_hash = models.CharField(max_length=64, default="0" * 64)


class TopicVersion(models.Model):
    """The newest event's number per topic — the part of its action before the first dot (``registry``,
    ``operations``, ``oversight``…) —, kept by a database trigger on every append (migration 0005). Public pages
    are kept per version of the topics they show (``reports.services.version_of``), so recording an action does
    not retire a page that shows only the registry. The trigger runs under the chain head's lock, which every
    append already holds until commit: it adds no waiting."""

    topic = models.CharField(max_length=80, primary_key=True)
    seq = models.BigIntegerField(default=0)
