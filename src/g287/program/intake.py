"""ICE's pending list into the program's applications: what every import of ICE's lists runs.

Apart from ``services`` so that a receiver connected at every start, and run by every import, loads only the models
and the audit log — not the policy engine the rest of the program's services need.
"""

from __future__ import annotations

from django.db import transaction

from g287.audit.services import record
from g287.program.choices import AuditAction
from g287.program.models import OPEN_STATUSES, ProgramApplication
from g287.registry.models import Application


def take_pending_on_import(sender=None, **kwargs) -> None:
    """After each registry import (the ``lineage_updated`` signal): ICE's newly pending applications become
    program applications, received the day ICE first listed them; audited only when there were any."""
    with transaction.atomic():
        created = take_pending(None)
        if created:
            record(None, AuditAction.IMPORT_PENDING_APPLICATIONS, "program.application", "bulk", None,
                   {"created": [a.pk for a in created]})


def take_pending(actor) -> list[ProgramApplication]:
    """One program application per open ICE application that has none yet (one per agency and model)."""
    pending = (Application.objects.filter(program_application__isnull=True, closed_by__isnull=True,
                                          first_listed__isnull=False)
               .select_related("agency", "first_listed").order_by("pk"))
    open_now = set(ProgramApplication.objects.filter(status__in=OPEN_STATUSES).values_list("agency_id", "model"))
    created = []
    for ice_app in pending:
        if (ice_app.agency_id, ice_app.model) in open_now:
            continue
        created.append(ProgramApplication.objects.create(
            agency=ice_app.agency, model=ice_app.model, ice_application=ice_app,
            received=ice_app.first_listed.published, entered_by=actor if getattr(actor, "pk", None) else None))
        open_now.add((ice_app.agency_id, ice_app.model))
    return created
