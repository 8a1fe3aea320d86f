"""Following the registry: after each import the changes of the publications touched are recomputed, the
originals located, and the alerts and the open-data bundle queued."""

from __future__ import annotations

from django.dispatch import receiver

from g287.changes import originals, services, tasks
from g287.registry.signals import lineage_updated


@receiver(lineage_updated, dispatch_uid="g287.changes.follow_lineage")
def follow_lineage(sender, publications=(), full=False, **kwargs):
    services.refresh(publications, full=full)
    originals.locate_missing()
    tasks.queue_after_import()
