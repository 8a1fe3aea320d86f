"""The full role × endpoint access matrix.

Every URL pattern of the project is read from the URL resolver (DRF router routes and format suffixes included),
so a new view cannot escape: a pattern missing from ``TABLE`` fails ``test_every_url_pattern_is_classified``.
For each principal (anonymous and each role, scoped to agency A) × each pattern × (A's record, B's record, and for
actions A's other officer's record) the matrix GETs the page and, for write endpoints, POSTs a minimal body that
would succeed for a permitted user; it checks the outcome class (allowed / denied / method not allowed), that no
request answers 500, that a denied request changes nothing (row counts of every table and the audit log), that
an allowed write stores something, and that a signed-in page or API answer holds no record outside the reader's
scope (B's ZETA markers; for an officer A's other officer's records; for an oversight reader any agency's).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.oversight.models import ReviewItem
from g287.moa.models import MoaDocument
from g287.changes.models import StoredOriginal, Subscription
from g287.program.models import Appropriation
from g287.program.services import save_entry
from g287.registry.models import LineageCandidate, Publication
from tests.conftest import sign_in
from tests.security import world as wb
from tests.security.world import ANON, MARK, PRINCIPALS

pytestmark = pytest.mark.django_db

PO, FO, SUP, INS, LEA, OFF, OVS = (Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR,
                                   Role.LEA_COORDINATOR, Role.OFFICER, Role.OVERSIGHT)
VIEW = (PO, FO, SUP, INS, LEA)  # oversight.roles.VIEW_ROLES: everyone but officers and oversight readers
OPS = (*VIEW, OFF)  # operational records: everyone but oversight readers (officers: their own)


# --------------------------------------------------------------------------------------------- the rules

def in_scope(principal: str, side: str) -> bool:
    """Whether a principal's scope holds the record of ``side`` ("A", "A2": A's other officer's, "B")."""
    if principal == PO:
        return True
    if principal in (ANON, OVS):
        return False
    if principal == OFF:
        return side == "A"
    return side in ("A", "A2")  # field office of A's area, supervisor/inspector assigned to A, A's coordinator


@dataclass(frozen=True)
class Rule:
    kind: str  # public | signed_in | roles | scoped | nobody | post_only
    roles: tuple = ()

    def allows(self, principal: str, side: str | None) -> bool:
        if self.kind == "public":
            return True
        if principal == ANON or self.kind in ("nobody", "post_only"):
            return False
        if self.kind == "signed_in":
            return True
        if principal not in self.roles:
            return False
        return self.kind == "roles" or side is None or in_scope(principal, side)


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed_in")
NOBODY = Rule("nobody")
POST_ONLY = Rule("post_only")  # a GET is refused (405 for those who may post, 403/404 or sign-in for others)


def roles(*r) -> Rule:
    return Rule("roles", tuple(r))


def scoped(*r) -> Rule:
    return Rule("scoped", tuple(r))


@dataclass(frozen=True)
class E:
    """What one URL pattern allows. ``post`` None: not a write endpoint — a POST must change nothing."""

    get: Rule
    post: Rule | None = None
    writes: bool = False  # an allowed POST stores something (at least one audit event)
    sides: tuple = (None,)
    params: Callable | None = None  # (world, side) -> kwargs for reverse()
    body: Callable | None = None  # (world, side) -> POST data
    as_json: bool = False
    label: str = ""
    shows: tuple = ()  # roles whose page must show A's records (the program office's B's as well)


AB = ("A", "B")
AB2 = ("A", "A2", "B")
TODAY = timezone.localdate


def pk(getter):
    return lambda w, s: {"pk": getter(w.side(s)) if s != "A2" else getter(w.a, other=True)}


def _action(side, other=False):
    return (side.other_action if other else side.actions[0]).pk


def _obligation(side, other=False):
    return (side.other_obligation if other else side.obligations[0]).pk


def _action_body(w, s, ref):
    side = w.side(s)
    return {"officer": side.officer.pk, "agreement": side.agreement.pk, "function": "issue_detainer",
            "location": "lea_facility", "subject_ref": f"{ref}-subject", "criminal_charge": "pending",
            "charge_level": "felony", "external_ref": ref}


def _form_action(w, s):
    d = _action_body(w, s, f"MATRIX-FORM-{s}")
    d.update(date="2025-05-20", time="10:15", in_lea_custody="on", warrant_signed_by_ice="on")
    return d


def _api_action(w, s):
    d = _action_body(w, s, f"MATRIX-API-{s}")
    d.update(at="2025-05-21T10:15", in_lea_custody=True)
    return d


def _day(offset=0) -> str:
    return TODAY().isoformat()


def _training(w, s):
    return {"course": "refresher", "model": "JEM", "completed": "2025-06-01", "exams": "77"}


def _authorization(side, second=False):
    """The first (API) or second (page) officer's authorization: the other keeps the agreement staffed."""
    return (side.officer2 if second else side.officer).authorizations.order_by("id").first().pk


DECLARED = {"declared_lawsuits": "0", "declared_consent_decrees": "0", "declared_findings": "0", "officers_planned": "2"}

TABLE: dict[str, E | list[E]] = {
    # Signing in and out, the second factor, the language switch, the API's description: open to everyone.
    "login": E(PUBLIC, post=PUBLIC),
    "logout": E(Rule("post_only_public"), post=PUBLIC),
    "otp-verify": E(SIGNED_IN, post=SIGNED_IN),
    "otp-setup": E(SIGNED_IN, post=SIGNED_IN),
    "set_language": E(PUBLIC, post=PUBLIC, body=lambda w, s: {"language": "en", "next": "/"}),
    "api-schema": E(PUBLIC),
    "api-docs": E(PUBLIC),
    # The public portal, the registry pages and their read-only API (ICE publishes the same lists).
    "web:home": E(PUBLIC),
    "web:today": E(SIGNED_IN),  # each role's home: what is theirs to do, in their scope (ALPHA only)
    "reports:data-csv": E(PUBLIC, params=lambda w, s: {"name": "measures_state"}),
    "reports:portal": E(PUBLIC),
    "reports:trends": E(PUBLIC),
    "reports:measures": E(PUBLIC),
    "registry:agency-list": E(PUBLIC),
    "registry:agency-detail": E(PUBLIC, sides=AB, params=lambda w, s: {"pk": w.side(s).agency.pk}),
    "registry:agreement-list": E(PUBLIC),
    "registry:agreement-detail": E(PUBLIC, sides=AB, params=lambda w, s: {"pk": w.side(s).agreement.pk}),
    "registry:publication-list": E(PUBLIC),
    # Curating the lineage: the program office alone. The matrix posts a decision without its reason (refused
    # with the field named, nothing written): a valid decision recomputes the lineage from the observations, which
    # this hand-built world does not have; tests/registry/test_curation*.py store and apply real decisions.
    "registry:lineage": E(roles(PO)),
    "registry:lineage-decide": E(POST_ONLY, post=roles(PO), params=lambda w, s: {"pk": w.candidate.pk},
                                 body=lambda w, s: {"decision": "confirm", "reason": ""}),
    "api:lineage-candidate-list": E(roles(PO), post=NOBODY),
    "api:lineage-candidate-detail": E(roles(PO), post=NOBODY, params=lambda w, s: {"pk": w.candidate.pk}),
    "api:lineage-candidate-decision": E(POST_ONLY, post=roles(PO), as_json=True,
                                        params=lambda w, s: {"pk": w.candidate.pk},
                                        body=lambda w, s: {"decision": "confirm", "reason": ""}),
    "api:agency-list": E(PUBLIC, post=NOBODY),
    "api:agency-detail": E(PUBLIC, post=NOBODY, sides=AB, params=lambda w, s: {"pk": w.side(s).agency.pk}),
    "api:agreement-list": E(PUBLIC, post=NOBODY),
    "api:agreement-detail": E(PUBLIC, post=NOBODY, sides=AB, params=lambda w, s: {"pk": w.side(s).agreement.pk}),
    "api:publication-list": E(PUBLIC, post=NOBODY),
    "api:publication-detail": E(PUBLIC, post=NOBODY, params=lambda w, s: {"pk": w.publication.pk}),
    "api:api-root": E(SIGNED_IN),
    # What changed: derived from ICE's public lists, open to everyone; alerts need no account (the secret token
    # in the link is the proof); the fetch status is the program office's.
    "changes:list": E(PUBLIC),
    "changes:feed": E(PUBLIC),
    "changes:feed-state": E(PUBLIC, sides=AB, params=lambda w, s: {"state": w.side(s).agency.state}),
    "changes:feed-county": E(PUBLIC, params=lambda w, s: {"state": "AL", "county": "Colbert"}),
    "changes:feed-agency": E(PUBLIC, sides=AB, params=lambda w, s: {"pk": w.side(s).agency.pk}),
    "changes:feed-model": E(PUBLIC, params=lambda w, s: {"model": "JEM"}),
    "changes:subscribe": E(PUBLIC, post=PUBLIC, writes=True, body=lambda w, s: {
        "email": "matrix-reader@example.org", "scope": "state", "state": "AL"}),
    "changes:subscribe-sent": E(PUBLIC),
    "changes:confirm": E(PUBLIC, post=PUBLIC, writes=True, params=lambda w, s: {"token": w.subscription.token}),
    "changes:unsubscribe": E(PUBLIC, post=PUBLIC, writes=True, params=lambda w, s: {"token": w.subscription.token}),
    "changes:fetch-status": E(roles(PO)),
    "changes:publication": E(PUBLIC, params=lambda w, s: {"pk": w.publication.pk}),
    "changes:publication-original": E(PUBLIC, params=lambda w, s: {"pk": w.shipped_publication.pk}),
    "changes:data": E(PUBLIC),
    "changes:csv-agencies": E(PUBLIC),
    "changes:csv-agreements": E(PUBLIC),
    "changes:csv-publications": E(PUBLIC),
    "changes:data-file": E(PUBLIC, params=lambda w, s: {"name": "agencies.csv"}),
    "changes-api:change-list": E(PUBLIC, post=NOBODY),
    "operations-api:ping": E(PUBLIC),
    # The public complaint form: no login; anyone may file.
    "complaints:new": E(PUBLIC, post=PUBLIC, writes=True, sides=AB, body=lambda w, s: {
        "agency": w.side(s).agency.pk, "allegation": "conduct", "what_happened": "MATRIX public complaint",
        "occurred_on": "2025-05-01", "occurred_place": "Main Street"}),
    "complaints:received": E(PUBLIC),
    # Operations: actions and deadlines. Lists are scoped (checked for other agencies' rows); officers see their
    # own actions only; oversight readers see no operational records: an empty action list, and deadlines and
    # obligations (page and API alike) refused.
    "operations:action-list": E(SIGNED_IN, shows=OPS),
    "operations:action-new": E(roles(LEA, OFF), post=scoped(LEA, OFF), writes=True, sides=AB, body=_form_action),
    "operations:upload": E(roles(LEA, OFF), post=roles(LEA, OFF)),
    "operations:upload-template": E(roles(LEA, OFF)),
    # A queued upload's page is its uploader's only (A's by A's coordinator; B's by someone of B).
    "operations:upload-status": E(scoped(LEA), sides=AB, params=lambda w, s: {"pk": w.uploads[s].pk}),
    "operations:flagged": E(roles(*VIEW)),
    "operations:action-detail": E(scoped(*OPS), sides=AB2, params=pk(_action)),
    "operations:deadlines": E(roles(*OPS), shows=OPS),
    "operations:fulfil": [
        E(POST_ONLY, post=scoped(PO, FO, SUP, LEA, OFF), writes=True, sides=AB, label="action obligation",
          params=lambda w, s: {"kind": "action", "pk": w.side(s).obligations[0].pk}),
        E(POST_ONLY, post=scoped(PO, FO, SUP, LEA), writes=True, sides=AB, label="complaint obligation",
          params=lambda w, s: {"kind": "complaint", "pk": w.side(s).complaint_obligation.pk}),
    ],
    "operations-api:deadlines": E(roles(*OPS), shows=OPS),
    "operations-api:action-list": E(SIGNED_IN, shows=OPS, post=scoped(LEA, OFF), writes=True, sides=AB, body=_api_action,
                                    as_json=True),
    "operations-api:action-detail": E(scoped(*OPS), sides=AB2, params=pk(_action)),
    "operations-api:obligation-list": E(roles(*OPS), shows=OPS),
    "operations-api:obligation-detail": E(scoped(*OPS), sides=AB2, params=pk(_obligation)),
    "operations-api:obligation-fulfil": E(POST_ONLY, post=scoped(PO, FO, SUP, LEA, OFF), writes=True, sides=AB,
                                          params=lambda w, s: {"pk": w.side(s).obligations[1].pk}),
    # Oversight: ICE staff and LEA coordinators, scoped; supervisors sign; inspectors and the program office find.
    "oversight:dashboard": E(roles(*VIEW, OVS)),  # an oversight reader is sent to their home (aggregates)
    "oversight:review-queue": E(roles(*VIEW), shows=VIEW),
    "oversight:review-sign-many": E(POST_ONLY, post=scoped(SUP), writes=True, sides=AB,
                                    body=lambda w, s: {"item": [ReviewItem.objects.get(action=w.side(s).other_action).pk]}),
    "oversight:review-sign": E(POST_ONLY, post=scoped(SUP), writes=True, sides=AB,
                               params=lambda w, s: {"pk": w.side(s).reviews[0].pk}),
    "oversight:review-return": E(POST_ONLY, post=scoped(SUP), writes=True, sides=AB,
                                 params=lambda w, s: {"pk": w.side(s).reviews[1].pk},
                                 body=lambda w, s: {"reason": "The I-247A is not signed."}),
    "oversight:inspection-list": E(roles(*VIEW), shows=VIEW),
    "oversight:inspection-new": E(roles(PO, FO, SUP, INS), post=scoped(PO, FO, SUP, INS), writes=True, sides=AB,
                                  body=lambda w, s: {"agency": w.side(s).agency.pk, "kind": "annual_meeting",
                                                     "held": "2025-06-15", "summary": "MATRIX meeting"}),
    "oversight:inspection-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).inspection.pk}),
    "oversight:finding-add": E(POST_ONLY, post=scoped(INS, PO), writes=True, sides=AB,
                               params=lambda w, s: {"pk": w.side(s).inspection.pk},
                               body=lambda w, s: {"severity": "minor", "clause": "Article XI",
                                                  "description": "MATRIX finding"}),
    "oversight:corrective-add": E(POST_ONLY, post=scoped(LEA, INS, PO, FO), writes=True, sides=AB,
                                  params=lambda w, s: {"pk": w.side(s).finding.pk},
                                  body=lambda w, s: {"description": "MATRIX correction", "due": "2025-12-01"}),
    "oversight:corrective-close": E(POST_ONLY, post=scoped(LEA, INS, PO, FO), writes=True, sides=AB,
                                    params=lambda w, s: {"pk": w.side(s).corrective.pk},
                                    body=lambda w, s: {"closed": _day(), "note": "MATRIX closed"}),
    "oversight:complaint-list": E(roles(*VIEW), shows=VIEW),
    "oversight:complaint-new": E(roles(LEA, PO, FO, SUP), post=scoped(LEA, PO, FO, SUP), writes=True, sides=AB,
                                 body=lambda w, s: {"agency": w.side(s).agency.pk, "received": "2025-05-20T09:00",
                                                    "source": "phone", "about": "department",
                                                    "allegation": "conduct", "summary": "MATRIX staff complaint"}),
    "oversight:complaint-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).complaints[0].pk}),
    "oversight:complaint-step": E(POST_ONLY, post=scoped(LEA, PO, FO, SUP), writes=True, sides=AB,
                                  params=lambda w, s: {"pk": w.side(s).complaints[0].pk, "step": "notify"},
                                  body=lambda w, s: {"at": "2025-05-11T12:00"}),
    "oversight:sanction-list": E(roles(*VIEW), shows=VIEW),
    "oversight:sanction-detail": E(scoped(*VIEW), post=scoped(PO, FO), writes=True, sides=AB,
                                   params=lambda w, s: {"pk": w.side(s).sanction.pk},
                                   body=lambda w, s: {"decision": "decline", "reason": "MATRIX not warranted"}),
    "oversight:agency-sanctions": E(scoped(PO, FO), post=scoped(PO, FO), writes=True, sides=AB,
                                    params=lambda w, s: {"pk": w.side(s).agency.pk},
                                    body=lambda w, s: {"kind": "suspend_agreement", "reason": "noncompliance",
                                                       "agreement": w.side(s).agreement.pk, "start": _day(),
                                                       "length_days": "30", "details": "MATRIX suspension"}),
    "oversight-api:api-root": E(SIGNED_IN),
    "oversight-api:due": E(roles(*VIEW), shows=VIEW),
    "oversight-api:review-list": E(roles(*VIEW), shows=VIEW),
    "oversight-api:review-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).reviews[0].pk}),
    "oversight-api:review-sign": E(POST_ONLY, post=scoped(SUP), writes=True, sides=AB,
                                   params=lambda w, s: {"pk": w.side(s).reviews[2].pk}),
    "oversight-api:review-return-": E(POST_ONLY, post=scoped(SUP), writes=True, sides=AB, as_json=True,
                                      params=lambda w, s: {"pk": w.side(s).reviews[3].pk},
                                      body=lambda w, s: {"reason": "The warrant is not signed."}),
    "oversight-api:inspection-list": E(roles(*VIEW), shows=VIEW),
    "oversight-api:inspection-detail": E(scoped(*VIEW), sides=AB,
                                         params=lambda w, s: {"pk": w.side(s).inspection.pk}),
    "oversight-api:complaint-list": E(roles(*VIEW), shows=VIEW),
    "oversight-api:complaint-detail": E(scoped(*VIEW), sides=AB,
                                        params=lambda w, s: {"pk": w.side(s).complaints[0].pk}),
    "oversight-api:sanction-list": E(roles(*VIEW), shows=VIEW),
    "oversight-api:sanction-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).sanction.pk}),
    # Personnel: officers of the agencies in scope for ICE staff and coordinators; coordinators nominate (their own
    # agency) and record trainings; the program and field office certify eligibility, authorize and revoke.
    "personnel:officer-list": E(roles(*VIEW), shows=VIEW),
    "personnel:officer-new": E(roles(LEA), post=roles(LEA), writes=True,
                               body=lambda w, s: {"reference": "MATRIX-NOMINEE", "us_citizen": "on",
                                                  "lea_experience_years": "3", "nominated": "2025-05-01"}),
    "personnel:officer-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).officer.pk}),
    "personnel:training-add": E(POST_ONLY, post=scoped(LEA), writes=True, sides=AB,
                                params=lambda w, s: {"pk": w.side(s).officer.pk}, body=_training),
    "personnel:eligibility": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB,
                               params=lambda w, s: {"pk": w.side(s).officer.pk},
                               body=lambda w, s: {"background_check": "approved", "us_citizen": "on",
                                                  "lea_experience_years": "7"}),
    "personnel:authorize": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB,
                             params=lambda w, s: {"pk": w.side(s).officer.pk},
                             body=lambda w, s: {"agreement": w.side(s).agreement.pk, "granted": "2025-06-01"}),
    "personnel:revoke": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB,
                          params=lambda w, s: {"pk": _authorization(w.side(s), second=True)},
                          body=lambda w, s: {"revoked": "2025-06-02", "reason": "MATRIX revocation"}),
    "personnel-api:api-root": E(SIGNED_IN),
    "personnel-api:officer-list": E(roles(*VIEW), shows=VIEW, post=roles(LEA), writes=True, as_json=True,
                                    body=lambda w, s: {"reference": "MATRIX-API-NOMINEE", "lea_experience_years": 3}),
    "personnel-api:officer-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).officer.pk}),
    "personnel-api:officer-status": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).officer.pk}),
    "personnel-api:officer-trainings": E(POST_ONLY, post=scoped(LEA), writes=True, sides=AB, as_json=True,
                                         params=lambda w, s: {"pk": w.side(s).officer.pk},
                                         body=lambda w, s: {**_training(w, s), "exams": [88]}),
    "personnel-api:officer-eligibility": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB, as_json=True,
                                           params=lambda w, s: {"pk": w.side(s).officer.pk},
                                           body=lambda w, s: {"background_check": "approved"}),
    "personnel-api:officer-authorizations": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB, as_json=True,
                                              params=lambda w, s: {"pk": w.side(s).officer.pk},
                                              body=lambda w, s: {"agreement": w.side(s).agreement.pk,
                                                                 "granted": "2025-06-03"}),
    "personnel-api:authorization-list": E(roles(*VIEW), shows=VIEW),
    "personnel-api:authorization-detail": E(scoped(*VIEW), sides=AB,
                                            params=lambda w, s: {"pk": _authorization(w.side(s))}),
    "personnel-api:authorization-revoke": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB, as_json=True,
                                            params=lambda w, s: {"pk": _authorization(w.side(s))},
                                            body=lambda w, s: {"revoked": "2025-06-04", "reason": "MATRIX"}),
    # Signed MOA documents: public (ICE publishes them); the program office confirms or corrects their agreement.
    "moa:search": E(PUBLIC),
    "moa:document": E(PUBLIC, sides=AB, params=lambda w, s: {"pk": w.side(s).moa_document.pk}),
    "moa:download": E(PUBLIC, sides=AB, params=lambda w, s: {"pk": w.side(s).moa_document.pk}),
    "moa:match": E(roles(PO), post=roles(PO), writes=True, sides=AB,
                   params=lambda w, s: {"pk": w.side(s).moa_document.pk},
                   body=lambda w, s: {"agreement": w.side(s).agreement.key, "note": "MATRIX confirmed"}),
    "moa-api:document-list": E(PUBLIC, post=NOBODY),
    "moa-api:document-detail": E(PUBLIC, post=NOBODY, sides=AB,
                                 params=lambda w, s: {"pk": w.side(s).moa_document.pk}),
    "moa-api:document-match": E(Rule("post_only_public"), post=roles(PO), writes=True, sides=AB, as_json=True,
                                params=lambda w, s: {"pk": w.side(s).moa_document.pk},
                                body=lambda w, s: {"agreement": w.side(s).agreement.key, "note": "MATRIX API"}),
    # Program management: agency rows scoped (applications, costs); program-wide figures for every signed-in user.
    "program:index": E(SIGNED_IN),
    "program:application-list": E(SIGNED_IN, shows=VIEW),
    "program:application-new": E(roles(PO, FO), post=scoped(PO, FO), writes=True, sides=AB,
                                 body=lambda w, s: {"agency": w.side(s).agency.pk, "model": "JEM",
                                                    "received": "2025-05-01", **DECLARED}),
    "program:application-import": E(POST_ONLY, post=roles(PO), writes=True),
    "program:application-detail": E(scoped(*VIEW), post=scoped(PO, FO), writes=True, sides=AB,
                                    params=lambda w, s: {"pk": w.side(s).applications["deny"].pk},
                                    body=lambda w, s: {**DECLARED, "annual_bookings": "1200", "officers_planned": "4"}),
    "program:application-evaluate": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB,
                                      params=lambda w, s: {"pk": w.side(s).applications["evaluate"].pk},
                                      body=lambda w, s: {"on": "2025-03-01"}),
    "program:application-approve": E(scoped(PO), post=scoped(PO), writes=True, sides=AB,
                                     params=lambda w, s: {"pk": w.side(s).applications["approve"].pk},
                                     body=lambda w, s: {"decided": "2025-03-02", "reason": "MATRIX approved",
                                                        "acknowledge_shortfall": "on"}),
    "program:application-deny": E(POST_ONLY, post=scoped(PO), writes=True, sides=AB,
                                  params=lambda w, s: {"pk": w.side(s).applications["deny"].pk},
                                  body=lambda w, s: {"decided": "2025-03-03", "reason": "MATRIX denied"}),
    "program:application-withdraw": E(POST_ONLY, post=scoped(PO, FO), writes=True, sides=AB,
                                      params=lambda w, s: {"pk": w.side(s).applications["evaluate"].pk},
                                      body=lambda w, s: {"decided": "2025-03-04", "reason": "MATRIX withdrawn"}),
    "program:targets": E(SIGNED_IN, post=roles(PO), writes=True,
                         body=lambda w, s: {"fiscal_year": str(w.target_fy + 1), "target": "12"}),
    "program:capacity": E(SIGNED_IN),
    "program:funding": E(SIGNED_IN),
    "program:api-root": E(SIGNED_IN),
    "program:api-application-list": E(SIGNED_IN, shows=VIEW),
    "program:api-application-detail": E(scoped(*VIEW), sides=AB,
                                        params=lambda w, s: {"pk": w.side(s).applications["deny"].pk}),
    "program:api-target-list": E(SIGNED_IN),
    "program:api-target-detail": E(SIGNED_IN, params=lambda w, s: {"fiscal_year": w.target_fy}),
    "program:api-target-progress": E(SIGNED_IN, params=lambda w, s: {"fiscal_year": w.target_fy}),
    "program:api-appropriation-list": E(SIGNED_IN),
    "program:api-appropriation-detail": E(SIGNED_IN, params=lambda w, s: {"fiscal_year": w.appropriation_fy}),
    "program:api-appropriation-cost": E(SIGNED_IN, params=lambda w, s: {"fy": "2025"}),
    "program:api-training-class-list": E(SIGNED_IN),
    "program:api-training-class-detail": E(SIGNED_IN, params=lambda w, s: {"pk": w.training_class.pk}),
    "program:api-agency-cost-list": E(SIGNED_IN, shows=VIEW),
    "program:api-agency-cost-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).agency_cost.pk}),
    "program:api-scaap-list": E(SIGNED_IN, shows=VIEW),
    "program:api-scaap-detail": E(scoped(*VIEW), sides=AB, params=lambda w, s: {"pk": w.side(s).scaap.pk}),
    "program:api-it-installation-list": E(SIGNED_IN, shows=VIEW),
    "program:api-it-installation-detail": E(scoped(*VIEW), sides=AB,
                                            params=lambda w, s: {"pk": w.side(s).it_installation.pk}),
}


# ------------------------------------------------------------------------------------ the URL patterns

@dataclass(frozen=True)
class Pattern:
    name: str  # namespace:name, or the route when the pattern has no name
    route: str
    groups: frozenset

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def url_patterns() -> list[Pattern]:
    """Every pattern of the project, nested resolvers walked, each with the path parameters it takes."""
    out: list[Pattern] = []

    def walk(resolver, ns: list[str], route: str, groups: frozenset):
        for p in resolver.url_patterns:
            r = route + str(p.pattern)
            g = groups | frozenset(p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                walk(p, ns + [p.namespace] if p.namespace else ns, r, g)
            else:
                out.append(Pattern(":".join([*ns, p.name]) if p.name else r, r, g))

    walk(get_resolver(), [], "", frozenset())
    return out


def entries(name: str) -> list[E]:
    e = TABLE[name]
    return e if isinstance(e, list) else [e]


def test_every_url_pattern_is_classified():
    """A new view must be added to the table (and so to the matrix) before the suite passes."""
    patterns = url_patterns()
    names = {p.name for p in patterns if not p.is_admin}
    unclassified = sorted(names - set(TABLE))
    assert not unclassified, f"URL patterns missing from the access matrix (tests/security): {unclassified}"
    stale = sorted(set(TABLE) - names)
    assert not stale, f"access matrix entries with no URL pattern any more: {stale}"
    assert len(patterns) > 100 and any(p.is_admin for p in patterns)
    for p in patterns:  # a pattern with path parameters needs an entry that fills them (the format suffix aside)
        if not p.is_admin:
            takes = bool(set(p.groups) - {"format"})
            for e in entries(p.name):
                assert takes == (e.params is not None), f"{p.name}: path parameters {sorted(p.groups)}"


# ------------------------------------------------------------------------------------------- the matrix

def _tables() -> list[str]:
    models = [m for m in apps.get_models() if m.__module__.startswith("g287.") or m._meta.app_label == "otp_totp"]
    return sorted({m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy})


def snapshot(tables) -> tuple:
    """Row counts of every table of the product in one query (the audit log included)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
        return tuple(cur.fetchone())


def classify(resp) -> str:
    code = resp.status_code
    if code >= 500:
        return "error"
    if code in (401, 403, 404):
        return "denied"
    if code == 405:
        return "method"
    if code in (301, 302, 303, 307, 308):
        loc = resp.headers.get("Location", "")
        if loc.startswith(("/accounts/login/", "/admin/login/")):
            return "denied"
        return "allowed"
    if code == 400:
        return "invalid"
    if code == 429:
        return "limited"
    return "allowed"


RANDOM_VALUES = re.compile(r'((?:name="csrfmiddlewaretoken" value|nonce)=)"[^"]*"')


def forbidden_marks(principal: str) -> list[str]:
    if principal == PO:
        return []
    if principal == OVS:
        return [MARK["A"], MARK["B"]]  # aggregates only: no agency's records
    if principal == OFF:
        return [MARK["B"], MARK["A2"]]  # their own actions only
    return [MARK["B"]]


def record_ids(w, sides) -> dict[str, set[int]]:
    """The ids a JSON answer names records by (its keys ``agency``, ``agreement``, ``officer``, ``action``)."""
    out: dict[str, set[int]] = {"agency": set(), "agreement": set(), "officer": set(), "action": set()}
    for side in sides:
        if side == "A2":
            out["officer"].add(w.a.officer2.pk)
            out["action"].add(w.a.other_action.pk)
            continue
        s = w.side(side)
        out["agency"].add(s.agency.pk)
        out["agreement"].add(s.agreement.pk)
        out["officer"] |= {s.officer.pk, s.officer2.pk}
        out["action"] |= {a.pk for a in (*s.actions, s.other_action)}
    return out


def forbidden_sides(principal: str) -> tuple:
    return {PO: (), OVS: ("A", "B"), OFF: ("B", "A2")}.get(principal, ("B",))


def json_names(data, ids: dict[str, set[int]], found: list) -> list:
    """Every ``key: id`` pair of ``data`` that names one of ``ids``."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k in ids and isinstance(v, int) and not isinstance(v, bool):
                if v in ids[k]:
                    found.append(f"{k}={v}")
            else:
                json_names(v, ids, found)
    elif isinstance(data, list):
        for v in data:
            json_names(v, ids, found)
    return found


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test runs in a
    savepoint of it (pytest-django's ``db``), so what one principal's writes change is undone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = wb.build()
        w.publication = Publication.objects.create(
            kind="participating", file_name="participatingAgencies05012025am.xlsx", sha256="f" * 64,
            published="2025-05-01", edition="am", rows=2)
        w.candidate = LineageCandidate.objects.create(
            kind="rename", merged=False, old=w.a.agreement, new=w.b.agreement, old_identity="matrix-old",
            new_identity="matrix-new", publication=w.publication, score=70.0, reason="similar names, not one reading")
        # What changed: a subscription to confirm and stop, and a publication whose original is a shipped file.
        w.subscription = Subscription.objects.create(email="matrix-sub@example.org", scope="state", state="AL",
                                                     token="matrix-token-" + "x" * 20, created=timezone.now())
        shipped = sorted((Path(settings.DATA_DIR) / "ice-sheets").rglob("participating*.xlsx"))[0]
        w.shipped_publication = Publication.objects.create(
            kind="participating", file_name=shipped.name, sha256=hashlib.sha256(shipped.read_bytes()).hexdigest(),
            published="2025-05-02", edition="pm", rows=1)
        StoredOriginal.objects.create(publication=w.shipped_publication, root="data", size=shipped.stat().st_size,
                                      path=str(shipped.relative_to(settings.DATA_DIR)))
        if not Appropriation.objects.exists():  # seeded by the migrations; gone after a flushing test
            save_entry(None, Appropriation(fiscal_year=2006, source="CRS In Focus IF11898"))
        w.appropriation_fy = Appropriation.objects.order_by("fiscal_year").values_list("fiscal_year",
                                                                                        flat=True).first()
        from g287.operations.models import Upload

        w.uploads = {s: Upload.objects.create(agency=w.side(s).agency, name=f"{wb.MARK[s]}-UPLOAD.csv", sha256="0" * 64,
                                              uploaded_by=w.users[LEA] if s == "A" else None,
                                              created=timezone.now()) for s in AB}
        for name, side in (("A", w.a), ("B", w.b)):  # a signed MOA attached to each side's agreement
            side.moa_document = MoaDocument.objects.create(
                sha256=name * 64, file_name=f"{MARK[name]}-moa.pdf", agency_name=side.agency.name,
                stored_as="data:moa/archive/ALASKA/287gWSO_DeptOfCorrectionsAK_07-24-2020.pdf", pages=10,
                agreement=side.agreement, agreement_key=side.agreement.key, match_status="matched",
                match_confidence=0.9, text=f"{MARK[name]} memorandum of agreement")
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db, settings, tmp_path_factory):
    settings.G287_COMPLAINT_RATE = "10000/h"  # the matrix files many complaints from one address
    settings.G287_SUBSCRIBE_RATE = "10000/h"  # and subscribes many times from one address
    # A Data page bundle of one file, in a folder of this run (the real bundle is built by the task queue).
    var = tmp_path_factory.mktemp("matrix-var")
    (var / "open-data" / "b1").mkdir(parents=True)
    (var / "open-data" / "b1" / "agencies.csv").write_text("agency_id,name\n")
    (var / "open-data" / "current.json").write_text(json.dumps({
        "version": "matrix", "built": timezone.now().isoformat(), "as_of": "2025-05-01", "folder": "b1",
        "files": [{"name": "agencies.csv", "size": 15, "sha256": ""}], "resources": [{"name": "agencies", "rows": 0}]}))
    settings.VAR_DIR = var
    return shared_world


class Matrix:
    def __init__(self, client, world, principal):
        self.client, self.w, self.principal = client, world, principal
        client.raise_request_exception = False  # a server error is a finding of the matrix, reported with the rest
        self.user = None if principal == ANON else world.users[principal]
        self.tables = _tables()
        self.failures: list[str] = []
        self.requests = 0
        self.lists_checked = 0
        self.sign_in()

    def sign_in(self):
        if self.user is not None:
            sign_in(self.client, self.user)

    def fail(self, where: str, text: str):
        self.failures.append(f"{self.principal} | {where} | {text}")

    def request(self, method: str, url: str, e: E, side):
        self.requests += 1
        if method == "GET":
            return self.client.get(url)
        data = e.body(self.w, side) if e.body else {}
        if e.as_json:
            return self.client.post(url, data=json.dumps(data), content_type="application/json")
        return self.client.post(url, data=data)

    def check_leak(self, where: str, resp, rule: Rule):
        if rule.kind == "public" or resp.status_code != 200 or self.principal in (ANON, PO):
            return
        body = resp.content.decode(resp.charset or "utf-8", "replace")
        # Random per-response values (the CSRF token, the CSP nonce) can spell a marker by chance: not records.
        body = RANDOM_VALUES.sub(r"\1", body)
        for mark in forbidden_marks(self.principal):
            if mark in body:
                at = body.index(mark)
                self.fail(where, f"shows {mark!r} records outside its scope: …{body[max(0, at - 80):at + 40]!r}…")
        if resp.get("Content-Type", "").startswith("application/json"):
            named = json_names(json.loads(body), record_ids(self.w, forbidden_sides(self.principal)), [])
            if named:
                self.fail(where, f"JSON names records outside its scope: {sorted(set(named))}")

    def check_shows(self, where: str, resp, e: E):
        """A list must not pass by showing nothing: readers whose scope holds A see A's records (the program
        office B's as well)."""
        if self.principal not in e.shows or resp.status_code != 200:
            return
        self.lists_checked += 1
        body = resp.content.decode(resp.charset or "utf-8", "replace")
        for side in ("A", "B") if self.principal == PO else ("A",):
            if MARK[side] not in body and not (resp.get("Content-Type", "").startswith("application/json") and
                                               json_names(json.loads(body), record_ids(self.w, (side,)), [])):
                self.fail(where, f"the list shows none of {side}'s records, which this reader may see")

    def run(self, p: Pattern, e: E, side):
        kwargs = dict(e.params(self.w, side)) if e.params else {}
        if "format" in p.groups:
            kwargs["format"] = "json"
        url = reverse(p.name, kwargs=kwargs)
        where = f"{p.name}{' (' + e.label + ')' if e.label else ''} | {p.route} | {url} | record {side or '-'}"
        self.url_groups = p.groups
        self.check("GET", url, where, e, side, e.get)
        post = e.post
        if p.groups & {"format"} and post is None:
            return  # read-only format variants: the GET is enough
        self.check("POST", url, where, e, side, post)

    def check(self, method, url, where, e: E, side, rule: Rule | None):
        before = snapshot(self.tables)
        resp = self.request(method, url, e, side)
        after = snapshot(self.tables)
        got = classify(resp)
        status = f"{method} → {resp.status_code} {resp.headers.get('Location', '')}".strip()
        changed = before != after
        if got == "error":
            self.fail(where, f"{status}: server error")
            return
        if method == "POST" and url.startswith("/accounts/logout/"):
            self.sign_in()  # signing out worked; sign in again for the rest of the matrix
        if rule is None:  # a read-only endpoint: a POST is refused or ignored, never a write
            if changed:
                self.fail(where, f"{status}: a POST to a read-only endpoint changed the database")
            return
        if rule.kind in ("post_only", "post_only_public") and method == "GET":
            if got not in ("method", "denied") or (self.principal == ANON and rule.kind == "post_only"
                                                   and got != "denied"):
                self.fail(where, f"{status}: expected 405 (or denied) for a GET of a POST-only endpoint")
            if changed:
                self.fail(where, f"{status}: a refused GET changed the database")
            return
        allowed = rule.allows(self.principal, side)
        if allowed:
            ok = got == "allowed" if method == "GET" else got in ("allowed", "invalid")
            if not ok:
                self.fail(where, f"{status}: expected allowed, got {got}")
            elif method == "POST" and e.writes and not changed and "format" not in self.url_groups:
                self.fail(where, f"{status}: an allowed write stored nothing")
            if method == "GET":
                self.check_leak(where, resp, rule)
                self.check_shows(where, resp, e)
        else:
            if changed:
                diff = [t for t, x, y in zip(self.tables, before, after) if x != y]
                self.fail(where, f"{status}: expected denied, but it changed {diff}")
            if method == "GET" and got != "denied":
                self.fail(where, f"{status}: expected denied (403/404/sign-in), got {got}")
            if method == "POST" and self.principal == ANON and got not in ("denied", "method"):
                self.fail(where, f"{status}: anonymous write not refused")
            if method == "POST" and got == "allowed" and resp.status_code == 200:
                self.check_leak(where, resp, Rule("scoped"))


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_role_matrix(client, world, principal):
    m = Matrix(client, world, principal)
    for p in url_patterns():
        if p.is_admin:
            continue
        for e in entries(p.name):
            for side in e.sides:
                m.run(p, e, side)
    assert m.requests > 150
    assert principal in (ANON, OVS) or m.lists_checked >= 5, m.lists_checked
    assert not m.failures, f"{len(m.failures)} access matrix failures:\n" + "\n".join(m.failures)


# ------------------------------------------------------------------------- bad path values, admin, the matrix itself

@pytest.mark.parametrize("principal", [PO, LEA])
def test_unknown_or_malformed_path_values_are_not_found_never_a_server_error(client, world, principal):
    """Every path parameter given a record that does not exist, then a value of the wrong form: 404 (or 400, 405,
    403), never 500."""
    client.raise_request_exception = False
    sign_in(client, world.users[principal])
    failures, tried = [], 0
    for p in url_patterns():
        wanted = sorted(set(p.groups) - {"format"})
        if p.is_admin or not wanted:
            continue
        for junk in ("999999", "0000", "not-a-number"):
            kwargs = {g: junk for g in wanted}
            if "format" in p.groups:
                kwargs["format"] = "json"
            try:
                url = reverse(p.name, kwargs=kwargs)
            except Exception:  # the converter refuses this form (an <int:pk> route): nothing to request
                continue
            for method in ("get", "post"):
                tried += 1
                resp = getattr(client, method)(url)
                if resp.status_code >= 500 or resp.status_code in (200, 201):
                    failures.append(f"{principal} {method.upper()} {url} → {resp.status_code}")
    assert tried > 60
    assert not failures, "\n".join(failures)


def test_admin_is_for_staff_only(client, world):
    """The Django admin (every registered model's list and add page) sends every role and anonymous readers to
    the admin sign-in; a verified superuser gets in."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls += [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
                 reverse(f"admin:{meta.app_label}_{meta.model_name}_add")]
    assert len(urls) > 20
    failures = []
    for principal in PRINCIPALS:
        client.logout()
        if principal != ANON:
            sign_in(client, world.users[principal])
        for url in urls:
            resp = client.get(url)
            if classify(resp) != "denied":
                failures.append(f"{principal} GET {url} → {resp.status_code}")
    assert not failures, "\n".join(failures)
    root = User.objects.create_superuser("matrix-root", password="not-used-1234-root")
    client.logout()
    sign_in(client, root)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_matrix_finds_a_list_that_leaks_and_a_detail_page_left_unscoped(client, world, monkeypatch):
    """The checks can fail: with the oversight pages' scoping switched off, A's coordinator sees B's complaints in
    the list and B's complaint page, and the matrix reports both."""
    import g287.oversight.views as views

    monkeypatch.setattr(views, "scope", lambda qs, user, *a, **k: qs)
    m = Matrix(client, world, LEA)
    by_name = {p.name: p for p in url_patterns()}
    for name in ("oversight:complaint-list", "oversight:complaint-detail"):
        for e in entries(name):
            for side in e.sides:
                m.run(by_name[name], e, side)
    text = "\n".join(m.failures)
    assert "oversight:complaint-list" in text and "'ZETA'" in text
    assert "oversight:complaint-detail" in text and "record B" in text and "expected denied" in text


def test_the_matrix_finds_a_write_allowed_to_the_wrong_role(client, world, monkeypatch):
    """With the supervisor-only check of signing switched off, a coordinator's sign is a write the matrix
    reports (the database changed on a request that should have been denied)."""
    from g287.oversight import roles

    real = roles.RULES[roles.SIGN]
    monkeypatch.setitem(roles.RULES, roles.SIGN, roles.Rule(real.roles | {LEA}, roles.SEES))
    m = Matrix(client, world, LEA)
    p = next(p for p in url_patterns() if p.name == "oversight:review-sign" and "format" not in p.groups)
    for side in ("A", "B"):
        m.run(p, entries(p.name)[0], side)
    assert len(m.failures) == 1 and "record A" in m.failures[0] and "changed" in m.failures[0], m.failures


def test_the_matrix_finds_a_list_that_shows_nothing(client, world, monkeypatch):
    """A list that hides everything would pass the leak checks; the matrix asks it to show the reader's own."""
    import g287.oversight.views as views

    monkeypatch.setattr(views, "scope", lambda qs, user, *a, **k: qs.none())
    m = Matrix(client, world, LEA)
    p = next(p for p in url_patterns() if p.name == "oversight:complaint-list")
    m.run(p, entries(p.name)[0], None)
    assert len(m.failures) == 1 and "shows none of A's records" in m.failures[0], m.failures
