"""Inspections, meetings and first reviews; findings; corrective actions and their closure."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from g287.audit.services import record
from g287.oversight.choices import AuditAction
from g287.oversight import roles
from g287.oversight.models import CorrectiveAction, Finding, Inspection, InspectionCycle
from g287.registry.choices import AgreementModel


def _date(value, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError({field: f"{field} must be a date; got {value!r}"})
    return value


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"{what} is required"})
    return value


@transaction.atomic
def record_inspection(actor, agency, kind: str, held: date, *, summary: str = "", agreement=None) -> Inspection:
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": f"kind must be one of {', '.join(Inspection.Kind.values)}; got {kind!r}"})
    roles.require(actor, roles.RECORD_INSPECTION if kind == Inspection.Kind.INSPECTION else roles.RECORD_MEETING,
                  agency)
    _date(held, "held")
    if held > timezone.localdate():
        raise ValidationError({"held": f"{held} is in the future: record an inspection once it was held"})
    if agreement is not None and agreement.agency_id != agency.pk:
        raise ValidationError({"agreement": f"agreement {agreement.pk} is not an agreement of {agency.name}"})
    if kind == Inspection.Kind.FIRST_REVIEW:
        if agreement is None:
            raise ValidationError({"agreement": "a first review is about one agreement: choose it"})
        if Inspection.objects.filter(kind=kind, agreement=agreement).exists():
            raise ValidationError({"agreement": f"the first review of agreement {agreement.pk} was already recorded"})
    ins = Inspection.objects.create(agency=agency, agreement=agreement, kind=kind, held=held, summary=summary.strip(),
                                    recorded_by=actor if getattr(actor, "pk", None) else None,
                                    recorded=timezone.now())
    record(actor, AuditAction.RECORD_INSPECTION, "oversight.inspection", ins.pk, None,
           {"agency": agency.pk, "agreement": getattr(agreement, "pk", None), "kind": kind, "held": held,
            "summary": ins.summary})
    return ins


@transaction.atomic
def add_finding(actor, inspection: Inspection, *, severity: str, clause: str, description: str) -> Finding:
    roles.require(actor, roles.RECORD_FINDING, inspection.agency)
    if severity not in Finding.Severity.values:
        raise ValidationError({"severity": f"severity must be one of {', '.join(Finding.Severity.values)}; "
                                           f"got {severity!r}"})
    finding = Finding.objects.create(inspection=inspection, severity=severity,
                                     clause=_text(clause, "clause", "the MOA clause"),
                                     description=_text(description, "description", "a description"),
                                     recorded_by=actor if getattr(actor, "pk", None) else None)
    record(actor, AuditAction.ADD_FINDING, "oversight.finding", finding.pk, None,
           {"inspection": inspection.pk, "severity": severity, "clause": finding.clause,
            "description": finding.description})
    return finding


@transaction.atomic
def add_corrective_action(actor, finding: Finding, *, description: str, due: date) -> CorrectiveAction:
    roles.require(actor, roles.CORRECTIVE_ACTION, finding.inspection.agency)
    _date(due, "due")
    if due < finding.inspection.held:
        raise ValidationError({"due": f"due date {due} is before the inspection ({finding.inspection.held})"})
    ca = CorrectiveAction.objects.create(finding=finding, description=_text(description, "description",
                                                                            "a description"),
                                         due=due, recorded_by=actor if getattr(actor, "pk", None) else None)
    record(actor, AuditAction.ADD_CORRECTIVE_ACTION, "oversight.correctiveaction", ca.pk, None,
           {"finding": finding.pk, "description": ca.description, "due": due})
    return ca


@transaction.atomic
def close_corrective_action(actor, ca: CorrectiveAction, closed: date, note: str = "") -> CorrectiveAction:
    ca = CorrectiveAction.objects.select_for_update().select_related("finding__inspection__agency").get(pk=ca.pk)
    roles.require(actor, roles.CORRECTIVE_ACTION, ca.finding.inspection.agency)
    _date(closed, "closed")
    if ca.closed is not None:
        raise ValidationError({"closed": f"corrective action {ca.pk} was already closed on {ca.closed}"})
    if closed < ca.finding.inspection.held:
        raise ValidationError({"closed": f"closing date {closed} is before the inspection"})
    before = {"closed": None, "closure_note": ca.closure_note}
    ca.closed, ca.closure_note = closed, (note or "").strip()
    ca.closed_by = actor if getattr(actor, "pk", None) else None
    ca.save(update_fields=["closed", "closure_note", "closed_by"])
    record(actor, AuditAction.CLOSE_CORRECTIVE_ACTION, "oversight.correctiveaction", ca.pk, before,
           {"closed": closed, "closure_note": ca.closure_note})
    return ca


def overdue_corrective_actions(queryset, as_of: date):
    """Corrective actions due before ``as_of`` and not closed by then."""
    return queryset.filter(due__lt=as_of).filter(Q(closed__isnull=True) | Q(closed__gt=as_of))


@transaction.atomic
def set_inspection_cycle(actor, model: str, months: int) -> InspectionCycle:
    roles.require(actor, roles.SANCTION)
    if model not in AgreementModel.values:
        raise ValidationError({"model": f"model must be one of {', '.join(AgreementModel.values)}; got {model!r}"})
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise ValidationError({"months": f"months must be a whole number from 1 to 120; got {months!r}"})
    row = InspectionCycle.objects.select_for_update().filter(model=model).first()
    before = None if row is None else {"months": row.months}
    row, _ = InspectionCycle.objects.update_or_create(model=model, defaults={"months": months})
    record(actor, AuditAction.SET_INSPECTION_CYCLE, "oversight.inspectioncycle", row.pk, before,
           {"model": model, "months": months})
    return row
