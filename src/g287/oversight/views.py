"""Oversight pages: the review queue, inspections, complaints, sanctions; and the public complaint form.

Every staff page needs a login and a role that sees oversight (``roles``), and shows only the agencies
``accounts.scoping`` gives the user. Each write goes through a service (which checks again).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from g287.accounts import ratelimit
from g287.accounts.models import Role
from g287.accounts.scoping import scope, visible_agencies
from g287.oversight import forms as f
from g287.oversight import roles
from g287.oversight import services as s
from g287.oversight.models import (
    About, Complaint, CorrectiveAction, Finding, Inspection, ReviewItem, Sanction, Source, Stage,
)
from g287.oversight.schedule import DEFAULT_HORIZON_DAYS, due_and_overdue
from g287.oversight.services.sanctions import OFFICER_KINDS, in_force, notice_effect
from g287.personnel.models import Officer
from g287.policy.facts import FUNCTIONS
from g287.registry.models import Agency, AgreementEvent
from g287 import errors


def _guard(request):
    if not roles.views_oversight(request.user):
        raise PermissionDenied(_("Your role does not include oversight."))


def _do(request, fn, success: str):
    """Run a service call; report its error on the page instead of failing."""
    try:
        fn()
    except ValidationError as err:
        messages.error(request, errors.text_of(err))
        return False
    messages.success(request, success)
    return True


def _do_form(request, form, fn, success: str) -> None:
    """``_do`` with a form's cleaned data when the form is valid; else its errors on the page."""
    if form.is_valid():
        _do(request, lambda: fn(form.cleaned_data), success)
    else:
        messages.error(request, errors.text_of(ValidationError(form.errors)))


@login_required
def dashboard(request):
    if request.user.role == Role.OVERSIGHT and not request.user.is_superuser:
        return redirect("web:today")  # aggregates only: their home has the measures and the exports
    _guard(request)
    today = timezone.localdate()
    agencies = visible_agencies(request.user, today)
    overdue, due = due_and_overdue(today, agencies.values("pk"))
    complaints = scope(Complaint.objects.all(), request.user)
    return render(request, "oversight/dashboard.html", {
        "pending_reviews": s.review_queue(request.user).count(),
        "overdue_inspections": len(overdue), "due_inspections": len(due),
        "late_complaint_duties": s.overdue_obligations(complaints).count(),
        "open_complaints": complaints.filter(resolved__isnull=True).count(),
        "proposed_sanctions": scope(Sanction.objects.filter(status=Sanction.Status.PROPOSED), request.user).count(),
        "open_corrective": s.overdue_corrective_actions(
            scope(CorrectiveAction.objects.all(), request.user, "finding__inspection__agency"), today).count(),
    })


# --- supervisor review ---------------------------------------------------------------------------

class _QueueFilter:
    """The queue's filters, read from the query string (unknown values are ignored, never an error)."""

    def __init__(self, request, agencies):
        g = request.GET
        self.show_all = g.get("show") == "all"
        self.reason = g.get("reason") if g.get("reason") in ReviewItem.Reason.values else ""
        self.function = g.get("function") if g.get("function") in FUNCTIONS else ""
        self.agency = g.get("agency", "") if g.get("agency", "").isdigit() else ""
        self.agencies = agencies

    def apply(self, qs):
        if self.reason:
            qs = qs.filter(reason=self.reason)
        if self.function:
            qs = qs.filter(action__function=self.function)
        if self.agency:
            qs = qs.filter(agency_id=int(self.agency))
        return qs

    def query(self, request) -> str:
        params = request.GET.copy()
        params.pop("page", None)
        return params.urlencode()


def _queue_page(request, status: int = 200, return_errors=None, typed=None, sign_error: str = ""):
    _guard(request)
    agencies = visible_agencies(request.user).order_by("state", "name")
    filt = _QueueFilter(request, agencies)
    items = filt.apply(s.review_queue(request.user, pending=not filt.show_all)
                       .select_related("action__agreement__agency").prefetch_related("action__violations"))
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    last, current = page.paginator.num_pages, page.number
    numbers = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    for item in page:
        item.return_error = (return_errors or {}).get(item.pk, "")
        item.typed = (typed or {}).get(item.pk, "")
    return render(request, "oversight/review_queue.html", {
        "page": page, "page_numbers": numbers, "filter": filt, "query": filt.query(request),
        "show_all": filt.show_all, "may_sign": roles.may(request.user, roles.SIGN),
        "reasons": ReviewItem.Reason.choices,
        "functions": [(fn, fn.replace("_", " ")) for fn in FUNCTIONS], "agencies": agencies,
        "sign_error": sign_error,
    }, status=status)


@login_required
def review_queue(request):
    return _queue_page(request)


def _review_item(request, pk) -> ReviewItem:
    return get_object_or_404(s.review_queue(request.user, pending=False), pk=pk)


def _back(request, default: str = "oversight:review-queue"):
    """Back to the page the decision was made on (the action's page or the queue with its filters)."""
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(default)


@login_required
@require_POST
def review_sign(request, pk):
    _guard(request)
    item = _review_item(request, pk)
    _do(request, lambda: s.sign_review(request.user, item), _("Signed."))
    return _back(request)


@login_required
@require_POST
def review_sign_many(request):
    """Sign every document ticked on the queue page, all or none: one refusal signs nothing and says which."""
    _guard(request)
    ids = [int(x) for x in request.POST.getlist("item") if x.isdigit()]
    if not ids:
        return _queue_page(request, status=400, sign_error=_("Tick the documents to sign first."))
    items = list(s.review_queue(request.user, pending=False).filter(pk__in=ids))
    if len(items) != len(set(ids)):
        raise Http404(_("A document ticked is not in your queue."))
    try:
        with transaction.atomic():
            for item in items:
                s.sign_review(request.user, item)
    except ValidationError as err:
        return _queue_page(request, status=400, sign_error=_("Nothing was signed: %(why)s") % {"why": errors.text_of(err)})
    messages.success(request, ngettext("Signed %(n)d document.", "Signed %(n)d documents.", len(items))
                     % {"n": len(items)})
    return _back(request)


@login_required
@require_POST
def review_return(request, pk):
    _guard(request)
    item = _review_item(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if not reason.strip():
            raise ValidationError(_("Write what must be corrected before returning the document."))
        s.return_review(request.user, item, reason)
    except ValidationError as err:
        if request.POST.get("next"):
            messages.error(request, _("Not returned: %(why)s") % {"why": errors.text_of(err)})
            return _back(request)
        # Shown at the document's own row, its reason box open with what was typed.
        return _queue_page(request, status=400, return_errors={item.pk: errors.text_of(err)},
                           typed={item.pk: reason})
    messages.success(request, _("Returned with the reason given."))
    return _back(request)


# --- inspections -----------------------------------------------------------------------------------

def _inspection_kinds(user) -> list[str]:
    kinds = []
    if roles.may(user, roles.RECORD_INSPECTION):
        kinds.append(Inspection.Kind.INSPECTION)
    if roles.may(user, roles.RECORD_MEETING):
        kinds += [Inspection.Kind.ANNUAL_MEETING, Inspection.Kind.FIRST_REVIEW]
    return kinds


@login_required
def inspection_list(request):
    _guard(request)
    as_of = errors.day_or_today(request)
    agencies = visible_agencies(request.user, as_of)
    overdue, due = due_and_overdue(as_of, agencies.values("pk"))
    held = scope(Inspection.objects.select_related("agency", "agreement"), request.user, as_of=as_of)
    late = s.overdue_corrective_actions(
        scope(CorrectiveAction.objects.select_related("finding__inspection__agency"), request.user,
              "finding__inspection__agency", as_of), as_of)
    return render(request, "oversight/inspection_list.html", {
        "as_of": as_of, "overdue": overdue, "due": due, "horizon": DEFAULT_HORIZON_DAYS,
        "held": held.filter(held__lte=as_of)[:50], "late_corrective": late,
        "may_record": bool(_inspection_kinds(request.user)),
    })


@login_required
def inspection_new(request):
    _guard(request)
    kinds = _inspection_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("Your role does not record inspections or meetings."))
    agencies = visible_agencies(request.user)
    form = f.InspectionForm(request.POST or None, agencies=agencies, kinds=kinds,
                            initial={"agency": request.GET.get("agency"), "kind": request.GET.get("kind"),
                                     "agreement": request.GET.get("agreement")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ins = s.record_inspection(request.user, d["agency"], d["kind"], d["held"], summary=d["summary"],
                                      agreement=d["agreement"])
        except ValidationError as err:
            form.add_error(None, errors.text_of(err))
        else:
            messages.success(request, _("Recorded."))
            return redirect("oversight:inspection-detail", pk=ins.pk)
    return render(request, "oversight/inspection_form.html", {"form": form})


def _inspection(request, pk) -> Inspection:
    return get_object_or_404(scope(Inspection.objects.select_related("agency", "agreement"), request.user), pk=pk)


def _inspection_page(request, ins: Inspection, status: int = 200, finding_form=None, failed_ca=None):
    """The inspection's page; after a refused form, with that form as typed and its errors beside it."""
    findings = list(ins.findings.prefetch_related("corrective_actions"))
    for finding in findings:
        finding.ca_form = failed_ca[1] if failed_ca and failed_ca[0] == finding.pk else None
    return render(request, "oversight/inspection_detail.html", {
        "inspection": ins, "findings": findings, "today": timezone.localdate(),
        "may_find": roles.may(request.user, roles.RECORD_FINDING, ins.agency),
        "may_correct": roles.may(request.user, roles.CORRECTIVE_ACTION, ins.agency),
        "finding_form": finding_form or f.FindingForm(), "ca_form": f.CorrectiveActionForm(),
        "close_form": f.CloseForm(),
    }, status=status)


@login_required
def inspection_detail(request, pk):
    _guard(request)
    return _inspection_page(request, _inspection(request, pk))


def _form_write(request, form, fn, success: str):
    """Run a service call with a valid form's data; on a refusal, the error goes on the form. True when done."""
    if form.is_valid():
        try:
            fn(form.cleaned_data)
        except ValidationError as err:
            form.add_error(None, errors.text_of(err))
        else:
            messages.success(request, success)
            return True
    return False


@login_required
@require_POST
def finding_add(request, pk):
    _guard(request)
    ins = _inspection(request, pk)
    form = f.FindingForm(request.POST)
    if _form_write(request, form, lambda d: s.add_finding(request.user, ins, **d), _("Finding recorded.")):
        return redirect("oversight:inspection-detail", pk=ins.pk)
    return _inspection_page(request, ins, status=400, finding_form=form)


@login_required
@require_POST
def corrective_add(request, pk):
    _guard(request)
    finding = get_object_or_404(scope(Finding.objects.select_related("inspection__agency"), request.user,
                                      "inspection__agency"), pk=pk)
    form = f.CorrectiveActionForm(request.POST, auto_id=f"ca-%s-{finding.pk}")  # the ids of the finding's form
    if _form_write(request, form, lambda d: s.add_corrective_action(request.user, finding, **d),
                   _("Corrective action recorded.")):
        return redirect("oversight:inspection-detail", pk=finding.inspection_id)
    return _inspection_page(request, finding.inspection, status=400, failed_ca=(finding.pk, form))


@login_required
@require_POST
def corrective_close(request, pk):
    _guard(request)
    ca = get_object_or_404(scope(CorrectiveAction.objects.select_related("finding__inspection"), request.user,
                                 "finding__inspection__agency"), pk=pk)
    _do_form(request, f.CloseForm(request.POST),
             lambda d: s.close_corrective_action(request.user, ca, d["closed"], d["note"]), _("Closed."))
    return redirect("oversight:inspection-detail", pk=ca.finding.inspection_id)


# --- complaints --------------------------------------------------------------------------------------

@login_required
def complaint_list(request):
    _guard(request)
    qs = scope(Complaint.objects.select_related("agency").prefetch_related("obligations"), request.user)
    open_only = request.GET.get("show") != "all"
    listed = qs.filter(resolved__isnull=True) if open_only else qs
    page = Paginator(listed.order_by("-received", "-id"), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for c in page:
        c.stage_now = Stage(s.stage(c, now)).label
    return render(request, "oversight/complaint_list.html", {
        "page": page, "open_only": open_only, "late": s.overdue_obligations(qs, now)[:100],
        "may_record": roles.may(request.user, roles.COMPLAINT),
    })


@login_required
def complaint_new(request):
    _guard(request)
    if not roles.may(request.user, roles.COMPLAINT):
        raise PermissionDenied(_("Your role does not record complaints."))
    form = f.StaffComplaintForm(request.POST or None, agencies=visible_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        officer = None
        if d["officer_reference"]:
            officer = Officer.objects.filter(agency=d["agency"], reference=d["officer_reference"].strip()).first()
            if officer is None:
                form.add_error("officer_reference", _("No officer of this agency has that reference."))
        if not form.errors:
            try:
                c = s.receive_complaint(request.user, d["agency"], d["received"].replace(tzinfo=None),
                                        officer=officer, summary=d["summary"], source=d["source"],
                                        allegation=d["allegation"], about=d["about"], occurred_on=d["occurred_on"],
                                        occurred_place=d["occurred_place"], contact=d["contact"],
                                        language=get_language() or "")
            except ValidationError as err:
                form.add_error(None, errors.text_of(err))
            else:
                messages.success(request, _("Complaint recorded: receipt %(receipt)s.") % {"receipt": c.receipt})
                return redirect("oversight:complaint-detail", pk=c.pk)
    return render(request, "oversight/complaint_form.html", {"form": form})


def _complaint(request, pk) -> Complaint:
    return get_object_or_404(scope(Complaint.objects.select_related("agency", "officer"), request.user), pk=pk)


@login_required
def complaint_detail(request, pk):
    _guard(request)
    c = _complaint(request, pk)
    stage = s.stage(c)
    return render(request, "oversight/complaint_detail.html", {
        "complaint": c, "stage": Stage(stage), "stages": Stage, "obligations": c.obligations.all(),
        "may_act": roles.may(request.user, roles.COMPLAINT, c.agency),
        "forwarded": c.about == About.NON_DESIGNATED,
        "moment_form": f.MomentForm(), "date_form": f.DateForm(), "resolve_form": f.ResolveForm(),
        "sanctions": c.sanctions.all(),
    })


@login_required
@require_POST
def complaint_step(request, pk, step):
    _guard(request)
    c = _complaint(request, pk)
    u = request.user
    if step in ("notify", "report"):
        form = f.MomentForm(request.POST)
        if form.is_valid():
            at = form.cleaned_data["at"].replace(tzinfo=None)
            fn = s.notify_ice if step == "notify" else s.report_resolution
            _do(request, lambda: fn(u, c, at), _("Recorded."))
    elif step == "investigate":
        form = f.DateForm(request.POST)
        if form.is_valid():
            _do(request, lambda: s.start_investigation(u, c, form.cleaned_data["day"]), _("Recorded."))
    elif step == "resolve":
        form = f.ResolveForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            _do(request, lambda: s.resolve_complaint(u, c, d["resolved"], outcome=d["outcome"], note=d["note"]),
                _("Recorded."))
    else:
        raise Http404()
    if not form.is_valid():
        messages.error(request, errors.text_of(ValidationError(form.errors)))
    return redirect("oversight:complaint-detail", pk=c.pk)


# --- sanctions --------------------------------------------------------------------------------------

@login_required
def sanction_list(request):
    _guard(request)
    qs = scope(Sanction.objects.select_related("agency", "officer", "agreement", "complaint"), request.user)
    return render(request, "oversight/sanction_list.html", {
        "proposed": qs.filter(status=Sanction.Status.PROPOSED).order_by("proposed_at", "id"),
        "decided": qs.exclude(status=Sanction.Status.PROPOSED).order_by("-decided_at", "-id")[:100],
        "agencies": visible_agencies(request.user).order_by("state", "name") if roles.may(
            request.user, roles.SANCTION) else None,
    })


def _sanction(request, pk) -> Sanction:
    return get_object_or_404(scope(Sanction.objects.select_related("agency", "officer", "agreement", "complaint",
                                                                   "notice"), request.user), pk=pk)


@login_required
def sanction_detail(request, pk):
    _guard(request)
    sanction = _sanction(request, pk)
    may = roles.may(request.user, roles.SANCTION, sanction.agency)
    accept_form = f.AcceptForm(request.POST or None) if may else None
    if request.method == "POST" and may:
        action = request.POST.get("decision")
        if action == "accept" and accept_form.is_valid():
            d = accept_form.cleaned_data
            _do(request, lambda: s.accept(request.user, sanction, d["start"], length_days=d["length_days"]),
                _("Accepted and carried out."))
        elif action == "decline":
            _do(request, lambda: s.decline(request.user, sanction, request.POST.get("reason", "")), _("Declined."))
        elif action == "lift":
            try:
                lifted = date.fromisoformat(request.POST.get("lifted", ""))
            except ValueError:
                messages.error(request, _("“Lifted on” must be a date."))
            else:
                _do(request, lambda: s.lift(request.user, sanction, lifted), _("Suspension lifted."))
        return redirect("oversight:sanction-detail", pk=sanction.pk)
    refused_last_officer = False
    if sanction.kind in OFFICER_KINDS and sanction.officer and sanction.status == Sanction.Status.PROPOSED:
        agreements = {a.agreement for a in in_force(sanction.officer, timezone.localdate())}
        refused_last_officer = any(
            not a.authorizations.exclude(officer=sanction.officer).filter(revoked__isnull=True).exists()
            for a in agreements)
    return render(request, "oversight/sanction_detail.html", {
        "sanction": sanction, "may": may, "accept_form": accept_form, "reason_form": f.ReasonForm(),
        "last_officer": refused_last_officer,
    })


@login_required
def agency_sanctions(request, pk):
    """Impose a sanction on an agency's officer or agreement, with the template's effect date shown."""
    _guard(request)
    agency = get_object_or_404(visible_agencies(request.user), pk=pk)
    if not roles.may(request.user, roles.SANCTION, agency):
        raise PermissionDenied(_("Sanctions are decided by the ICE program office or field office."))
    initial = {"kind": request.GET.get("kind"), "agreement": request.GET.get("agreement"),
               "reason": request.GET.get("reason"), "officer": request.GET.get("officer")}
    form = f.SanctionForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        officer = d["officer"] if d["kind"] in OFFICER_KINDS else None
        if d["kind"] in OFFICER_KINDS and officer is None:
            form.add_error("officer", _("Choose the officer to suspend or revoke."))
        if not form.errors:
            try:
                sanction = s.impose(request.user, d["kind"], d["reason"], d["start"], agency=agency, officer=officer,
                                    agreement=d["agreement"], details=d["details"], exigent=d["exigent"],
                                    length_days=d["length_days"])
            except ValidationError as err:
                text = errors.text_of(err)
                form.add_error(None, text)
                codes = [e.code for e in err.error_dict.get("revoked", [])] if hasattr(err, "error_dict") else []
                form.last_officer = "last_officer" in codes
            else:
                messages.success(request, _("Sanction recorded."))
                return redirect("oversight:sanction-detail", pk=sanction.pk)
    agreements = []
    for ag in agency.agreements.order_by("-signed"):
        effects = {}
        if ag.signed:
            today = timezone.localdate()
            effects = {k: notice_effect(ag, k, today) for k in (AgreementEvent.Kind.SUSPENSION,
                                                                  AgreementEvent.Kind.TERMINATION)}
        agreements.append((ag, effects))
    return render(request, "oversight/agency_sanctions.html", {
        "agency": agency, "form": form, "agreements": agreements, "today": timezone.localdate(),
        "officers": agency.officers.order_by("reference")[:200],
        "last_officer": getattr(form, "last_officer", False),
    })


# --- the public complaint form -----------------------------------------------------------------------

def _rate() -> str:
    return settings.G287_COMPLAINT_RATE


COMPLAINT_LIMIT = "public-complaint"


def public_complaint(request):
    """No login. Asks only what is needed; gives a receipt to keep. Accepted complaints are limited per client
    address (``G287_COMPLAINT_RATE``, shared by every worker and kept across restarts: ``accounts.ratelimit``); a form
    sent back with errors does not count."""
    form = f.PublicComplaintForm(request.POST or None)
    if request.method == "POST":
        with ratelimit.held(request, COMPLAINT_LIMIT):
            if ratelimit.exceeded(request, COMPLAINT_LIMIT, _rate()):
                return render(request, "oversight/public_complaint.html", {"form": form, "limited": True},
                              status=429)
            if form.is_valid():
                d = form.cleaned_data
                c = s.receive_complaint(None, d["agency"], timezone.now(), summary=d["what_happened"],
                                        source=Source.PUBLIC_FORM, allegation=d["allegation"], about=About.UNKNOWN,
                                        occurred_on=d["occurred_on"], occurred_place=d["occurred_place"],
                                        contact=d["contact"], language=get_language() or "")
                ratelimit.count(request, COMPLAINT_LIMIT, _rate())
                request.session["complaint_receipt"] = c.receipt
                return redirect("complaints:received")
    return render(request, "oversight/public_complaint.html", {"form": form, "limited": False})


def public_complaint_received(request):
    receipt = request.session.pop("complaint_receipt", None)
    if receipt is None:
        return redirect("complaints:new")
    return render(request, "oversight/public_complaint_received.html", {"receipt": receipt})
