"""Two agencies in different ICE field offices, each with every kind of record the product keeps, built through
the services; and one user per role, scoped to agency A.

Each record of B carries a ZETA marker in a text field and each record of A an ALPHA marker, so a page or an API
answer can be searched for data it must not show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from g287.accounts.models import Assignment, Role, User
from g287.operations.models import Obligation, OfficerAccount
from g287.operations.services import ActionInput, record_reported
from g287.oversight import services as os_
from g287.oversight.models import ComplaintObligation, Inspection, ReviewItem, Sanction
from g287.program import services as ps
from g287.program.models import AgencyCost, ITInstallation, ScaapReimbursement, TrainingClass
from g287.registry.field_offices import load_field_offices
from g287.registry.models import Agency, FieldOffice
from tests.personnel import factories as f

ANON = "anonymous"
PRINCIPALS = [ANON, *Role.values]  # program_office, field_office, supervisor, inspector, lea_coordinator, ...

# What must never appear outside the agency's scope (A's records say ALPHA, B's say ZETA).
MARK = {"A": "ALPHA", "A2": "ALPHA2", "B": "ZETA"}


@dataclass
class Side:
    """The records of one agency (for "A2": A's records about its second officer)."""

    agency: Agency
    agreement: object = None
    officer: object = None
    officer2: object = None
    actions: list = field(default_factory=list)  # four detainers by the first officer, each queued for review
    other_action: object = None  # by the second officer (an officer sees only their own)
    obligations: list = field(default_factory=list)  # one obligation of each of the first two actions
    other_obligation: object = None
    reviews: list = field(default_factory=list)  # the review items of the four actions
    complaints: list = field(default_factory=list)  # two complaints, each with its notice obligation open
    complaint_obligation: object = None
    inspection: object = None
    finding: object = None
    corrective: object = None
    sanction: object = None
    applications: dict = field(default_factory=dict)  # by use: evaluate, approve, deny
    agency_cost: object = None
    scaap: object = None
    it_installation: object = None


def _office_for(state: str) -> FieldOffice:
    if not FieldOffice.objects.exists():  # the shipped offices, as the registry's migration loads them
        load_field_offices()
    offices = [fo for fo in FieldOffice.objects.all() if state in (fo.states or [])]
    assert len(offices) == 1, f"expected one shipped field office for {state}, found {offices}"
    return offices[0]


def _action(officer, agreement, day: int, ref: str) -> object:
    done = record_reported(None, officer, agreement, ActionInput(
        function="issue_detainer", at=datetime(2025, 5, day, 9, 30), subject_ref=ref, criminal_charge="pending",
        charge_level="felony"), external_ref=ref)
    return done.action


def _side(key: str, name: str, state: str, mark: str) -> Side:
    fo = _office_for(state)
    ag = f.agency(key, state=state)
    ag.name, ag.field_office = name, fo
    ag.save(update_fields=["name", "field_office"])
    s = Side(agency=ag)
    s.agreement = f.agreement(ag)
    s.officer = f.officer(ag, f"{mark}-OFFICER-1", authorize=s.agreement)
    s.officer2 = f.officer(ag, f"{mark}2-OFFICER", authorize=s.agreement)
    s.actions = [_action(s.officer, s.agreement, 1 + i, f"{mark}-SUBJ-{i}") for i in range(4)]
    s.other_action = _action(s.officer2, s.agreement, 6, f"{mark}2-SUBJ-OTHER")
    s.obligations = [Obligation.objects.filter(action=a).order_by("id").first() for a in s.actions[:2]]
    s.other_obligation = Obligation.objects.filter(action=s.other_action).order_by("id").first()
    assert all(s.obligations) and s.other_obligation, "a detainer creates obligations (rules.md section 6)"
    s.reviews = [ReviewItem.objects.get(action=a) for a in s.actions]
    s.complaints = [os_.receive_complaint(None, ag, datetime(2025, 5, 10 + i, 10, 0), officer=s.officer,
                                          summary=f"{mark}-COMPLAINT-{i} what happened") for i in range(2)]
    s.complaint_obligation = ComplaintObligation.objects.get(
        complaint=s.complaints[1], code=ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT)
    s.inspection = os_.record_inspection(None, ag, Inspection.Kind.INSPECTION, date(2025, 6, 1),
                                         summary=f"{mark}-INSPECTION summary")
    s.finding = os_.add_finding(None, s.inspection, severity="major", clause="Article IX",
                                description=f"{mark}-FINDING description")
    s.corrective = os_.add_corrective_action(None, s.finding, description=f"{mark}-CORRECTIVE action",
                                             due=date(2025, 9, 1))
    s.sanction = os_.propose(None, Sanction.Kind.SUSPEND_OFFICER, Sanction.Reason.MISCONDUCT, agency=ag,
                             officer=s.officer2, details=f"{mark}-SANCTION details")
    notes = {"declared_notes": f"{mark}-APPLICATION notes"}
    s.applications = {
        "evaluate": ps.create_application(None, ag, "WSO", date(2025, 1, 10), **notes),
        "approve": ps.create_application(None, ag, "TFM", date(2025, 1, 10), **notes),
        "deny": ps.create_application(None, ag, "HYBRID", date(2025, 1, 10), **notes),
    }
    ps.start_evaluation(None, s.applications["approve"], date(2025, 2, 1))
    s.agency_cost = ps.save_entry(None, AgencyCost(agency=ag, fiscal_year=2025, category="salaries",
                                                   amount=Decimal("1000"), note=f"{mark}-COST note"))
    s.scaap = ps.save_entry(None, ScaapReimbursement(agency=ag, fiscal_year=2025, amount=Decimal("500"),
                                                     note=f"{mark}-SCAAP note"))
    s.it_installation = ps.save_entry(None, ITInstallation(agency=ag, requested=date(2025, 4, 1),
                                                           note=f"{mark}-IT note"))
    return s


@dataclass
class World:
    a: Side
    b: Side
    users: dict
    training_class: TrainingClass
    target_fy: int

    def side(self, name: str) -> Side:
        return self.b if name == "B" else self.a


def build() -> World:
    # Indiana (Chicago field office) and Georgia (Atlanta field office): one office each, neither covers both.
    a = _side("in-alpha-matrix-so", "ALPHA Matrix County Sheriff's Office", "IN", MARK["A"])
    b = _side("ga-zeta-matrix-so", "ZETA Matrix County Sheriff's Office", "GA", MARK["B"])
    assert a.agency.field_office_id != b.agency.field_office_id

    def user(role, **kw):
        return User.objects.create_user(f"matrix-{role}", password="not-used-1234-matrix", role=role, **kw)

    users = {
        Role.PROGRAM_OFFICE: user(Role.PROGRAM_OFFICE),
        Role.FIELD_OFFICE: user(Role.FIELD_OFFICE, field_office=a.agency.field_office),
        Role.SUPERVISOR: user(Role.SUPERVISOR),
        Role.INSPECTOR: user(Role.INSPECTOR),
        Role.LEA_COORDINATOR: user(Role.LEA_COORDINATOR, agency=a.agency),
        Role.OFFICER: user(Role.OFFICER, agency=a.agency),
        Role.OVERSIGHT: user(Role.OVERSIGHT),
    }
    for role, kind in ((Role.SUPERVISOR, Assignment.Kind.SUPERVISION), (Role.INSPECTOR, Assignment.Kind.INSPECTION)):
        Assignment.objects.create(user=users[role], agency=a.agency, kind=kind, start=date(2024, 1, 1))
    OfficerAccount.objects.create(user=users[Role.OFFICER], officer=a.officer)
    training_class = ps.save_entry(None, TrainingClass(model="JEM", start=date(2026, 1, 5), end=date(2026, 2, 5),
                                                       location="Charleston, SC", seats=24))
    fy = ps.current_fy(timezone.localdate())
    ps.set_target(None, fy, 40, timezone.localdate(), "matrix target")
    return World(a=a, b=b, users=users, training_class=training_class, target_fy=fy)
