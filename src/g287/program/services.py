"""Every write of program management, each with its audit event in one transaction, and the figures
derived from the entered facts (evaluation, capacity as of a day, target progress, cost per agreement).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.forms.models import model_to_dict

from g287.accounts.models import Role
from g287.accounts.scoping import visible_agencies
from g287.audit.services import record
from g287.oversight.models import Complaint
from g287.personnel.models import Officer
from g287.personnel.status import officer_status
from g287.program.choices import AuditAction
from g287.program import scoring
from g287.program.fiscal import fiscal_year, fy_bounds
from g287.program.intake import take_pending
from g287.program.models import (
    OPEN_STATUSES,
    PARTY_OF,
    AgencyCost,
    AnnualTarget,
    Appropriation,
    ApplicationStatus,
    CapacityLimits,
    CostCategory,
    CostParty,
    Evaluation,
    ITInstallation,
    ProgramApplication,
    ScaapReimbursement,
    SupervisorStaffing,
    TrainingClass,
)
from g287.registry.choices import AgreementModel
from g287.registry.models import Agency, Agreement, AgreementEvent, Application, FieldOffice

S = ApplicationStatus
RECORD_YEARS = 5  # how far back the civil-rights record looks


# ---------------------------------------------------------------- who may do what

def _role(actor) -> str | None:
    if actor is None:
        return None  # the system itself (imports, migrations)
    return Role.PROGRAM_OFFICE if actor.is_superuser else actor.role


def _require(actor, *roles: str, what: str) -> None:
    role = _role(actor)
    if role is None or role in roles:
        return
    raise PermissionDenied(f"{what} is for {' or '.join(r.replace('_', ' ') for r in roles)} staff; "
                           f"{actor.get_username()} is {role.replace('_', ' ')}")


def _require_date(value, name: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({name: f"{name} must be a date; got {value!r}"})
    return value


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    data["id"] = obj.pk
    return data


# ---------------------------------------------------------------- applications

DECLARED_FIELDS = ("declared_lawsuits", "declared_consent_decrees", "declared_findings", "declared_notes",
                   "annual_bookings", "foreign_born_share", "ice_encounters", "officers_planned")


@transaction.atomic
def create_application(actor, agency: Agency, model: str, received: date, *, ice_application: Application | None = None,
                       **declared) -> ProgramApplication:
    """An application as received by a field office (or taken from ICE's pending list)."""
    _require(actor, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, what="Entering an application")
    _require_date(received, "received")
    if model not in AgreementModel.values:
        raise ValidationError({"model": f"model must be one of {', '.join(AgreementModel.values)}; got {model!r}"})
    unknown = set(declared) - set(DECLARED_FIELDS)
    if unknown:
        raise ValidationError({"declared": f"unknown fields: {', '.join(sorted(unknown))}"})
    if ice_application is not None and (ice_application.agency_id != agency.pk or ice_application.model != model):
        raise ValidationError({"ice_application": "ICE's pending application is for another agency or model"})
    if ProgramApplication.objects.filter(agency=agency, model=model, status__in=OPEN_STATUSES).exists():
        raise ValidationError({"model": f"{agency.name} already has an open {model} application"})
    app = ProgramApplication(agency=agency, model=model, received=received, ice_application=ice_application,
                             entered_by=actor if getattr(actor, "pk", None) else None, **declared)
    app.full_clean()
    app.save()
    record(actor, AuditAction.CREATE_APPLICATION, "program.application", app.pk, None, _snapshot(app))
    return app


@transaction.atomic
def import_pending_applications(actor) -> list[ProgramApplication]:
    """One program application per application on ICE's pending list that has none yet and is still open.

    Received = the day ICE first listed it. One audit event for the whole import.
    """
    _require(actor, Role.PROGRAM_OFFICE, what="Importing ICE's pending applications")
    created = take_pending(actor)
    record(actor, AuditAction.IMPORT_PENDING_APPLICATIONS, "program.application", "bulk", None,
           {"created": [a.pk for a in created]})
    return created


@transaction.atomic
def update_declarations(actor, application: ProgramApplication, **values) -> ProgramApplication:
    """What the applicant declares and the capacity indicators, while the application is open."""
    _require(actor, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, what="Editing an application")
    app = ProgramApplication.objects.select_for_update().get(pk=application.pk)
    if not app.is_open:
        raise ValidationError({"status": f"the application was {app.get_status_display().lower()} on {app.decided}; "
                                         "it can no longer change"})
    unknown = set(values) - set(DECLARED_FIELDS)
    if unknown:
        raise ValidationError({"declared": f"unknown fields: {', '.join(sorted(unknown))}"})
    before = _snapshot(app)
    for k, v in values.items():
        setattr(app, k, v)
    app.full_clean()
    app.save()
    record(actor, AuditAction.UPDATE_DECLARATIONS, "program.application", app.pk, before, _snapshot(app))
    return app


def _inspection_findings(agency: Agency, since: date, as_of: date) -> int | None:
    """Inspection findings (not mere observations) on file for the agency from inspections held in the window;
    None while the system does not record findings."""
    try:
        Finding = apps.get_model("oversight", "Finding")
    except LookupError:
        return None
    names = {f.name for f in Finding._meta.get_fields()}
    if "inspection" not in names:
        return None
    qs = Finding.objects.filter(inspection__agency=agency, inspection__held__gte=since, inspection__held__lte=as_of)
    if "severity" in names:
        qs = qs.exclude(severity="observation")
    return qs.count()


def civil_rights_facts(agency: Agency, as_of: date) -> dict:
    since = as_of - timedelta(days=365 * RECORD_YEARS)
    complaints = Complaint.objects.filter(agency=agency, received__date__gte=since, received__date__lte=as_of)
    return {
        "complaints": complaints.count(),
        "unresolved": complaints.filter(Q(resolved__isnull=True) | Q(resolved__gt=as_of)).count(),
        "findings": _inspection_findings(agency, since, as_of),
    }


def score_application(app: ProgramApplication, as_of: date) -> dict:
    """The three criteria and the weighted total, as of a day (no write)."""
    a = app.agency
    res = scoring.score_resources(app.model, a.sworn_officers, a.civilians, a.population, a.roster_name)
    facts = civil_rights_facts(a, as_of)
    civ = scoring.score_civil_rights(facts["complaints"], facts["unresolved"], facts["findings"],
                                     app.declared_lawsuits, app.declared_consent_decrees, app.declared_findings,
                                     years=RECORD_YEARS)
    cap = scoring.score_capacity(app.annual_bookings, app.foreign_born_share, app.ice_encounters)
    return {"resources": res, "civil_rights": civ, "capacity": cap,
            "total": scoring.total(res.score, civ.score, cap.score)}


def _evaluate(actor, app: ProgramApplication, as_of: date) -> Evaluation:
    s = score_application(app, as_of)
    return Evaluation.objects.create(
        application=app, as_of=as_of, evaluated_by=actor if getattr(actor, "pk", None) else None,
        resources_score=s["resources"].score, resources_reasons=s["resources"].reasons,
        civil_rights_score=s["civil_rights"].score, civil_rights_reasons=s["civil_rights"].reasons,
        capacity_score=s["capacity"].score, capacity_reasons=s["capacity"].reasons,
        total=s["total"], weights={k: str(v) for k, v in scoring.WEIGHTS.items()},
    )


def _evaluation_dict(e: Evaluation) -> dict:
    return {"as_of": e.as_of, "resources": e.resources_score, "civil_rights": e.civil_rights_score,
            "capacity": e.capacity_score, "total": e.total}


def _lock_open(application: ProgramApplication, *allowed: str, action: str) -> ProgramApplication:
    app = ProgramApplication.objects.select_for_update().select_related("agency").get(pk=application.pk)
    if app.status not in allowed:
        raise ValidationError({"status": f"cannot {action} an application that is {app.get_status_display().lower()}"})
    return app


@transaction.atomic
def start_evaluation(actor, application: ProgramApplication, on: date) -> ProgramApplication:
    """received → under evaluation, with the first scoring as of ``on``."""
    _require(actor, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, what="Starting an evaluation")
    _require_date(on, "on")
    app = _lock_open(application, S.RECEIVED, action="start the evaluation of")
    if on < app.received:
        raise ValidationError({"on": f"the evaluation cannot start ({on}) before the application was received "
                                     f"({app.received})"})
    before = _snapshot(app)
    app.status = S.UNDER_EVALUATION
    app.save(update_fields=["status"])
    ev = _evaluate(actor, app, on)
    record(actor, AuditAction.START_EVALUATION, "program.application", app.pk, before,
           {**_snapshot(app), "evaluation": _evaluation_dict(ev)})
    return app


@transaction.atomic
def reevaluate(actor, application: ProgramApplication, on: date) -> Evaluation:
    """Score again (after new declarations or records); the earlier evaluations stay."""
    _require(actor, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, what="Evaluating an application")
    _require_date(on, "on")
    app = _lock_open(application, S.UNDER_EVALUATION, action="evaluate")
    ev = _evaluate(actor, app, on)
    record(actor, AuditAction.EVALUATE, "program.application", app.pk, None, _evaluation_dict(ev))
    return ev


# ---------------------------------------------------------------- capacity

@dataclass(frozen=True)
class Shortfall:
    code: str  # SUPERVISION, TRAINING_SEATS, IT_BACKLOG
    message: str


def limits_on(day: date) -> CapacityLimits | None:
    return CapacityLimits.objects.filter(effective__lte=day).order_by("-effective").first()


def field_office_of(agency: Agency) -> FieldOffice | None:
    if agency.field_office_id:
        return agency.field_office
    return next((fo for fo in FieldOffice.objects.all() if agency.state in (fo.states or [])), None)


def supervisors_on(field_office: FieldOffice, day: date) -> int:
    row = (SupervisorStaffing.objects.filter(field_office=field_office, start__lte=day)
           .filter(Q(end__isnull=True) | Q(end__gt=day)).order_by("-start", "-id").first())
    return row.supervisors if row else 0


def authorized_officers(states, day: date) -> int:
    """Officers of agencies in these states authorized on ``day``, by the personnel status the engine derives."""
    candidates = (Officer.objects.filter(agency__state__in=list(states), authorizations__granted__lte=day)
                  .filter(Q(authorizations__revoked__isnull=True) | Q(authorizations__revoked__gt=day))
                  .distinct())
    return sum(1 for o in candidates if officer_status(o, day).authorized_under)


def pending_installations(day: date, agencies=None):
    qs = ITInstallation.objects.filter(requested__lte=day).filter(Q(installed__isnull=True) | Q(installed__gt=day))
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    return qs


def open_classes(model: str, day: date, window_days: int):
    return [c for c in TrainingClass.objects.filter(model=model, start__gte=day,
                                                     start__lte=day + timedelta(days=window_days))
            if c.seats_open > 0]


def shortfalls(app: ProgramApplication, day: date) -> list[Shortfall]:
    """What approving this application on ``day`` would exceed: supervision, training seats, IT installation."""
    limits = limits_on(day)
    if limits is None:
        return [Shortfall("NO_LIMITS", f"No capacity limits are in force on {day}; capacity cannot be checked.")]
    out = []
    fo = field_office_of(app.agency)
    if fo is None:
        out.append(Shortfall("SUPERVISION", f"{app.agency.name} is in {app.agency.state}, which no field office "
                                            "covers, so no field supervisor can be assigned."))
    else:
        sup = supervisors_on(fo, day)
        officers = authorized_officers(fo.states, day) + app.officers_planned
        if sup == 0:
            out.append(Shortfall("SUPERVISION", f"{fo.name} has no field supervisors on record on {day} for "
                                                f"{officers} authorized and planned officers."))
        elif officers > sup * limits.max_officers_per_supervisor:
            out.append(Shortfall("SUPERVISION", f"{fo.name} would have {officers} authorized and planned officers "
                                                f"for {sup} field supervisors, {officers / sup:.1f} each; the "
                                                f"maximum is {limits.max_officers_per_supervisor}."))
    if not open_classes(app.model, day, limits.training_window_days):
        out.append(Shortfall("TRAINING_SEATS", f"No {app.model} training class with an open seat starts between "
                                               f"{day} and {day + timedelta(days=limits.training_window_days)}."))
    pending = pending_installations(day).count()
    if pending >= limits.max_pending_installations:
        out.append(Shortfall("IT_BACKLOG", f"{pending} IT installations are waiting on {day}; approving adds one "
                                           f"more to a backlog whose limit is {limits.max_pending_installations}."))
    return out


def capacity_by_field_office(day: date, field_offices) -> list[dict]:
    limits = limits_on(day)
    rows = []
    for fo in field_offices:
        sup = supervisors_on(fo, day)
        officers = authorized_officers(fo.states, day)
        ratio = (officers / sup) if sup else None
        over = (sup == 0 and officers > 0) or (
            limits is not None and ratio is not None and ratio > limits.max_officers_per_supervisor)
        rows.append({"field_office": fo, "supervisors": sup, "officers": officers, "ratio": ratio, "over": over})
    return rows


# ---------------------------------------------------------------- decisions

class ShortfallNotAcknowledged(ValidationError):
    def __init__(self, found: list[Shortfall]):
        self.found = found
        super().__init__({"acknowledge_shortfall": "Approving exceeds capacity: "
                                                   + " ".join(s.message for s in found)
                                                   + " Acknowledge the shortfall to approve anyway."})


DECIDED = {"approve": AuditAction.APPROVE, "deny": AuditAction.DENY, "withdraw": AuditAction.WITHDRAW}


def _decide(actor, application, status: str, decided: date, reason: str, allowed, action: str, **extra):
    _require_date(decided, "decided")
    if not (reason or "").strip():
        raise ValidationError({"reason": f"a reason is required to {action} an application"})
    app = _lock_open(application, *allowed, action=action)
    if decided < app.received:
        raise ValidationError({"decided": f"the decision ({decided}) cannot precede receipt ({app.received})"})
    before = _snapshot(app)
    app.status = status
    app.decided = decided
    app.decided_by = actor if getattr(actor, "pk", None) else None
    app.decision_reason = reason.strip()
    for k, v in extra.items():
        setattr(app, k, v)
    app.save()
    record(actor, DECIDED[action], "program.application", app.pk, before, _snapshot(app))
    return app


@transaction.atomic
def approve(actor, application: ProgramApplication, decided: date, reason: str, *,
            acknowledge_shortfall: bool = False) -> ProgramApplication:
    """under evaluation → approved. Capacity is checked as of the decision day; any shortfall must be acknowledged."""
    _require(actor, Role.PROGRAM_OFFICE, what="Approving an application")
    _require_date(decided, "decided")
    app = _lock_open(application, S.UNDER_EVALUATION, action="approve")
    found = shortfalls(app, decided)
    if found and not acknowledge_shortfall:
        raise ShortfallNotAcknowledged(found)
    return _decide(actor, app, S.APPROVED, decided, reason, (S.UNDER_EVALUATION,), "approve",
                   shortfalls=[asdict(s) for s in found], shortfall_acknowledged=bool(found))


@transaction.atomic
def deny(actor, application: ProgramApplication, decided: date, reason: str) -> ProgramApplication:
    _require(actor, Role.PROGRAM_OFFICE, what="Denying an application")
    return _decide(actor, application, S.DENIED, decided, reason, OPEN_STATUSES, "deny")


@transaction.atomic
def withdraw(actor, application: ProgramApplication, decided: date, reason: str) -> ProgramApplication:
    """The agency withdrew its application; recorded by the field office or program office."""
    _require(actor, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, what="Recording a withdrawal")
    return _decide(actor, application, S.WITHDRAWN, decided, reason, OPEN_STATUSES, "withdraw")


# ---------------------------------------------------------------- targets

@transaction.atomic
def set_target(actor, fy: int, target: int, on: date, note: str = "") -> AnnualTarget:
    _require(actor, Role.PROGRAM_OFFICE, what="Setting the annual target")
    _require_date(on, "on")
    if not isinstance(fy, int) or fy < 2002:
        raise ValidationError({"fiscal_year": f"fiscal year must be 2002 or later; got {fy!r}"})
    if not isinstance(target, int) or target < 0:
        raise ValidationError({"target": f"target must be a whole number of agreements; got {target!r}"})
    row = AnnualTarget.objects.select_for_update().filter(fiscal_year=fy).first()
    before = _snapshot(row) if row else None
    row = row or AnnualTarget(fiscal_year=fy)
    row.target, row.set_on, row.note = target, on, note
    row.set_by = actor if getattr(actor, "pk", None) else None
    row.save()
    record(actor, AuditAction.SET_TARGET, "program.annual_target", row.pk, before, _snapshot(row))
    return row


def signed_in_fy(fy: int, agreements=None):
    start, end = fy_bounds(fy)
    qs = Agreement.objects.all() if agreements is None else agreements
    return qs.filter(signed__gte=start, signed__lte=end)


def progress(fy: int, agreements=None, as_of: date | None = None) -> dict:
    """New agreements signed in the fiscal year (by signing date), up to ``as_of`` within it, against the target."""
    start, end = fy_bounds(fy)
    qs = signed_in_fy(fy, agreements)
    if as_of is not None:
        qs = qs.filter(signed__lte=as_of)
    signed = qs.count()
    by_model = {m: qs.filter(model=m).count() for m in AgreementModel.values}
    target = AnnualTarget.objects.filter(fiscal_year=fy).first()
    share = (Decimal(signed * 100) / target.target).quantize(Decimal("0.1")) if target and target.target else None
    return {"fiscal_year": fy, "start": start, "end": end, "signed": signed, "by_model": by_model,
            "target": target.target if target else None, "percent": share}


# ---------------------------------------------------------------- funding

def _ended(ag: Agreement, events) -> date | None:
    """The day an agreement stopped being in force, if it did: expiry, a termination notice, removal from ICE's
    list (unless listed again later), or its successor's signing."""
    ends = []
    if ag.expires:
        ends.append(ag.expires)
    relisted = [e.date for e in events if e.kind == AgreementEvent.Kind.RELISTED]
    for e in events:
        if e.kind == AgreementEvent.Kind.TERMINATION:
            ends.append(e.date)
        elif e.kind == AgreementEvent.Kind.REMOVED and not any(r > e.date for r in relisted):
            ends.append(e.date)
    if ag.superseded_by_id and ag.superseded_by.signed:
        ends.append(ag.superseded_by.signed)
    return min(ends) if ends else None


def agreements_in_force(fy: int, agreements=None) -> list[Agreement]:
    """Agreements in force on at least one day of the fiscal year: signed by its last day, not ended before its first."""
    start, end = fy_bounds(fy)
    qs = (Agreement.objects.all() if agreements is None else agreements).filter(signed__lte=end)
    qs = qs.select_related("superseded_by").prefetch_related("events")
    out = []
    for ag in qs:
        stop = _ended(ag, list(ag.events.all()))
        if stop is None or stop >= start:
            out.append(ag)
    return out


def cost_per_agreement(fy: int) -> dict:
    """(Federal appropriation for the year + local costs entered for the year) / agreements in force that year.

    Program-wide: the appropriation is not attributed to agencies, so scoping does not apply to it.
    """
    in_force = agreements_in_force(fy)
    n = len(in_force)
    approp = Appropriation.objects.filter(fiscal_year=fy).first()
    federal = approp.amount if approp and approp.amount is not None else None
    local = AgencyCost.objects.filter(fiscal_year=fy, category__in=_local_categories()).aggregate(s=Sum("amount"))["s"]
    local = local or Decimal("0")
    federal_entered = (AgencyCost.objects.filter(fiscal_year=fy, category__in=_federal_categories())
                       .aggregate(s=Sum("amount"))["s"] or Decimal("0"))
    scaap = ScaapReimbursement.objects.filter(fiscal_year=fy).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    result = {"fiscal_year": fy, "agreements_in_force": n, "appropriation": federal, "local_costs": local,
              "federal_costs_entered": federal_entered, "scaap": scaap,
              "federal_per_agreement": None, "local_per_agreement": None, "per_agreement": None}
    if n and federal is not None:
        result["federal_per_agreement"] = (federal / n).quantize(Decimal("0.01"))
        result["local_per_agreement"] = (local / n).quantize(Decimal("0.01"))
        result["per_agreement"] = ((federal + local) / n).quantize(Decimal("0.01"))
    return result


def agency_cost_split(fy: int, agencies) -> list[dict]:
    """Per agency with costs or SCAAP entered for the fiscal year: federal and local costs, SCAAP received, and its
    agreements' cost (appropriation share per agreement in force + its local costs over its agreements in force)."""
    cpa = cost_per_agreement(fy)
    in_force_by_agency: dict[int, int] = {}
    for ag in agreements_in_force(fy, Agreement.objects.filter(agency__in=agencies)):
        in_force_by_agency[ag.agency_id] = in_force_by_agency.get(ag.agency_id, 0) + 1
    costs = AgencyCost.objects.filter(fiscal_year=fy, agency__in=agencies)
    scaap = dict(ScaapReimbursement.objects.filter(fiscal_year=fy, agency__in=agencies)
                 .values_list("agency_id", "amount"))
    # Agencies with something entered; the others are counted, not listed row by row at $0.
    ids = set(costs.values_list("agency_id", flat=True)) | set(scaap)
    rows = {a.pk: {"agency": a, "federal": Decimal("0"), "local": Decimal("0"), "by_category": {},
                   "scaap": scaap.get(a.pk), "agreements": in_force_by_agency.get(a.pk, 0)}
            for a in Agency.objects.filter(pk__in=ids).order_by("state", "name")}
    for c in costs:
        r = rows[c.agency_id]
        r[PARTY_OF[CostCategory(c.category)]] += c.amount
        r["by_category"][c.category] = c.amount
    for r in rows.values():
        n = r["agreements"]
        r["per_agreement"] = None
        if n and cpa["federal_per_agreement"] is not None:
            r["per_agreement"] = (cpa["federal_per_agreement"] + r["local"] / n).quantize(Decimal("0.01"))
    return list(rows.values())


def _local_categories():
    return [c.value for c, p in PARTY_OF.items() if p == CostParty.LOCAL]


def _federal_categories():
    return [c.value for c, p in PARTY_OF.items() if p == CostParty.FEDERAL]


# ---------------------------------------------------------------- entered facts (capacity and funding)

ENTRY_MODELS = {
    "capacity_limits": CapacityLimits, "supervisor_staffing": SupervisorStaffing, "training_class": TrainingClass,
    "it_installation": ITInstallation, "appropriation": Appropriation, "agency_cost": AgencyCost,
    "scaap_reimbursement": ScaapReimbursement,
}
_ENTRY_NAME = {m: name for name, m in ENTRY_MODELS.items()}


def check_entry(obj) -> None:
    """Checks across fields of an entered fact, beyond each field's own validation."""
    if isinstance(obj, SupervisorStaffing) and obj.end and obj.end <= obj.start:
        raise ValidationError({"end": f"end ({obj.end}) must be after start ({obj.start})"})
    if isinstance(obj, TrainingClass):
        if obj.end < obj.start:
            raise ValidationError({"end": f"end ({obj.end}) must not precede start ({obj.start})"})
        if obj.seats_taken > obj.seats:
            raise ValidationError({"seats_taken": f"{obj.seats_taken} seats taken of {obj.seats}"})
    if isinstance(obj, ITInstallation) and obj.installed and obj.installed < obj.requested:
        raise ValidationError({"installed": f"installed ({obj.installed}) must not precede the request "
                                            f"({obj.requested})"})


CAPACITY_ENTRIES = ("supervisor_staffing", "training_class", "it_installation")


def may_enter(actor, model) -> bool:
    """Capacity facts are entered by the program office or a field office; funding and limits by the program office."""
    role = _role(actor)
    name = _ENTRY_NAME.get(model)
    if name is None or actor is None or not actor.is_active:
        return False
    return role == Role.PROGRAM_OFFICE or (role == Role.FIELD_OFFICE and name in CAPACITY_ENTRIES)


@transaction.atomic
def save_entry(actor, obj):
    """Create or change one entered capacity or funding fact."""
    name = _ENTRY_NAME.get(type(obj))
    if name is None:
        raise ValidationError(f"{type(obj).__name__} is not an entered program fact")
    if actor is not None and not may_enter(actor, type(obj)):
        raise PermissionDenied(f"{actor.get_username()} may not enter {name.replace('_', ' ')} facts")
    if _role(actor) == Role.FIELD_OFFICE:
        # A field office enters facts of its own area only.
        if isinstance(obj, SupervisorStaffing) and obj.field_office_id != actor.field_office_id:
            raise PermissionDenied(f"{actor.get_username()} may enter supervisors of their own field office only")
        if getattr(obj, "agency_id", None) and not visible_agencies(actor).filter(pk=obj.agency_id).exists():
            raise PermissionDenied(f"{actor.get_username()} may not enter facts of agency {obj.agency_id}")
    before = _snapshot(type(obj).objects.get(pk=obj.pk)) if obj.pk else None
    obj.full_clean()
    check_entry(obj)
    obj.save()
    # As stored (decimals at their scale), so the event says what the database holds.
    record(actor, AuditAction.save_entry(name), f"program.{name}", obj.pk, before,
           _snapshot(type(obj).objects.get(pk=obj.pk)))
    return obj


@transaction.atomic
def delete_entry(actor, obj) -> None:
    name = _ENTRY_NAME.get(type(obj))
    if name is None:
        raise ValidationError(f"{type(obj).__name__} is not an entered program fact")
    if actor is not None and not may_enter(actor, type(obj)):
        raise PermissionDenied(f"{actor.get_username()} may not delete {name.replace('_', ' ')} facts")
    before, pk = _snapshot(obj), obj.pk
    obj.delete()
    record(actor, AuditAction.delete_entry(name), f"program.{name}", pk, before, None)


def current_fy(day: date) -> int:
    return fiscal_year(day)
