"""Operations pages: record an action, see its decision and deadlines, upload a batch, flagged actions,
and the deadline view (actions' and complaints' obligations) as of any moment.

Views parse, authorize and call the services; every list is scoped (``operations.visibility``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

import django_rq
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from g287 import errors
from g287.accounts.models import Role
from g287.accounts.scoping import visible_agencies
from g287.operations import deadlines as dl
from g287.personnel.facts import FactsError
from g287.operations.forms import ActionForm
from g287.operations.models import Action, Obligation, Upload
from g287.operations.services import fulfil_reported, may_record, record_reported
from g287.operations import uploads
from g287.operations.tasks import record_upload
from g287.operations.visibility import visible_actions, visible_complaints
from g287.oversight.models import ComplaintObligation
from g287.oversight.services import complaints as cs
from g287.registry.models import Agency, FieldOffice

SEES_FLAGGED = {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR, Role.LEA_COORDINATOR}


def _int(request, name: str) -> int | None:
    raw = request.GET.get(name) or ""
    return int(raw) if raw.isdigit() else None


def _actions(user):
    return visible_actions(user, Action.objects.select_related("officer", "agreement__agency"))


@login_required
def action_list(request, flagged: bool = False):
    if flagged and not (request.user.is_superuser or request.user.role in SEES_FLAGGED):
        raise PermissionDenied("flagged actions are for ICE staff and LEA coordinators")
    qs = _actions(request.user).order_by("-local_date", "-local_time", "-id")
    if flagged:
        qs = qs.filter(flagged_for_review=True).prefetch_related("violations")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "operations/action_list.html", {
        "page": page, "flagged": flagged, "may_record": may_record(request.user)})


@login_required
def action_new(request):
    if not may_record(request.user):
        raise PermissionDenied("LEA coordinators and designated officers record actions")
    form = ActionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            done = record_reported(request.user, d["officer"], d["agreement"], form.action_input(), d["external_ref"])
        except ValidationError as exc:
            errors.add_to_form(form, _typed_as_date(exc))
        except FactsError as exc:
            form.add_error("agreement", str(exc))
        else:
            if done.created:
                messages.success(request, "The action was recorded." if done.action.allowed else
                                 "The action was recorded against the rules and flagged for a supervisor's review.")
            else:
                messages.info(request, "This reference was already recorded with the same facts; nothing was added.")
            return redirect("operations:action-detail", pk=done.action.pk)
    return render(request, "operations/action_form.html", {"form": form})


def _typed_as_date(exc: ValidationError) -> ValidationError:
    """A refusal of the moment ``at`` put on the form's ``date``: the moment is typed as a date and a time."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({("date" if f == "at" else f): errs for f, errs in exc.error_dict.items()})


@login_required
def action_detail(request, pk: int):
    action = get_object_or_404(_actions(request.user).prefetch_related("violations", "obligations"), pk=pk)
    now = timezone.now()
    review = getattr(action, "review", None)  # the supervisor's review item, when queued
    return render(request, "operations/action_detail.html", {
        "action": action, "now": now, "review": review,
        "obligations": [(o, _due_words(o.due, o.fulfilled_at, now)) for o in action.obligations.all()],
    })


def _due_words(due: datetime, fulfilled_at: datetime | None, now: datetime) -> str:
    from django.utils.timesince import timesince, timeuntil

    if fulfilled_at is not None:
        late = " (late)" if fulfilled_at > due else ""
        return f"fulfilled{late}"
    if due < now:
        return f"overdue by {timesince(due, now)}"
    return f"due in {timeuntil(due, now)}"


def _upload_context(agency) -> dict:
    return {"columns": uploads.COLUMN_HELP, "agency": agency, "max_rows": uploads.MAX_ROWS,
            "max_mb": uploads.MAX_BYTES // 2**20, "sync_rows": SYNC_ROWS}


# Files of more rows than this are recorded by the task queue, with a page that shows the progress.
SYNC_ROWS = 1000
UPLOAD_QUEUE = "uploads"


@login_required
def upload(request):
    """The CSV batch: its format and template, then the file checked and recorded — here for small files, by
    the task queue for large ones (``tasks.record_upload``). The size is refused before the body is read
    (``web.middleware.RequestSizeLimit``)."""
    if not may_record(request.user):
        raise PermissionDenied("LEA coordinators and designated officers upload actions")
    agency = get_object_or_404(Agency, pk=request.user.agency_id)
    ctx = _upload_context(agency)
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            messages.error(request, "Choose a CSV file to upload.")
        elif f.size > uploads.MAX_BYTES:
            messages.error(request, f"{f.name}: larger than {uploads.MAX_BYTES // 2**20} MB; split the file.")
        else:
            data = f.read()
            if data.count(b"\n") > SYNC_ROWS:
                queued = _enqueue_upload(request.user, agency, f.name, data)
                if queued is not None:
                    return redirect("operations:upload-status", pk=queued.pk)
            try:
                result = uploads.import_actions(request.user, agency, data, f.name)
            except uploads.UploadRejected as exc:
                ctx["rejected"] = exc.as_dict()
            else:
                ctx["result"] = result.as_dict()
    return render(request, "operations/upload.html", ctx)


def _enqueue_upload(user, agency, name: str, data: bytes):
    """An ``Upload`` queued for the task queue, or None when the queue cannot be reached (the file is then
    recorded while the reader waits, in the same bounded batches)."""
    up = Upload.objects.create(agency=agency, uploaded_by=user, name=name[:255],
                               sha256=hashlib.sha256(data).hexdigest(), created=timezone.now())
    try:
        django_rq.get_queue(UPLOAD_QUEUE).enqueue(record_upload, up.pk, data, job_timeout=3600)
    except RedisError as exc:
        logging.getLogger(__name__).warning("task queue unreachable, recording %s in the request: %s", name, exc)
        up.delete()
        return None
    return up


@login_required
def upload_status(request, pk: int):
    """A queued upload's progress (the page reloads itself while it runs), then its result or errors: for the
    one who uploaded it."""
    up = get_object_or_404(Upload.objects.select_related("agency"), pk=pk, uploaded_by=request.user)
    ctx = _upload_context(up.agency) | {"upload": up}
    if up.status == Upload.Status.DONE:
        ctx["result"] = up.result
    elif up.status == Upload.Status.REJECTED:
        ctx["rejected"] = up.result
    return render(request, "operations/upload.html", ctx)


@login_required
def upload_template(request):
    """The CSV template: the header and two example rows."""
    from django.http import HttpResponse

    if not may_record(request.user):
        raise PermissionDenied("LEA coordinators and designated officers upload actions")
    response = HttpResponse(uploads.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="g287-actions-template.csv"'
    return response


@login_required
def deadline_list(request):
    if not dl.may_see_deadlines(request.user):
        raise PermissionDenied("deadlines are the agencies' and ICE's operational data")
    as_of = errors.moment_or_now(request)
    overdue = request.GET.get("overdue") == "1"
    agency_id, fo_id = _int(request, "agency"), _int(request, "field_office")
    rows = dl.deadlines(request.user, as_of, overdue=overdue, open_only=request.GET.get("open") == "1",
                        agency_id=agency_id, field_office_id=fo_id)
    overdue_rows = [d for d in rows if d.overdue(as_of)]
    offices = {fo.pk: fo for fo in FieldOffice.objects.all()}
    marks = {kind: dl.may_mark(request.user, kind) for kind in ("action", "complaint")}
    by_office = [(offices.get(k), n) for k, n in dl.overdue_by(overdue_rows, "field_office")]
    return render(request, "operations/deadlines.html", {
        "rows": [(d, d.status(as_of), marks[d.kind]) for d in rows[:1000]], "total": len(rows), "as_of": as_of,
        "as_of_local": timezone.localtime(as_of).strftime("%Y-%m-%dT%H:%M"), "overdue": overdue,
        "overdue_count": len(overdue_rows), "by_agency": dl.overdue_by(overdue_rows, "agency")[:50],
        "by_office": by_office, "agencies": visible_agencies(request.user).order_by("name")
        if request.user.role != Role.PROGRAM_OFFICE and not request.user.is_superuser else None,
        "agency_id": agency_id, "field_office_id": fo_id, "offices": sorted(offices.values(), key=lambda f: f.name),
    })


@login_required
@require_POST
def fulfil(request, kind: str, pk: int):
    """Mark a deadline fulfilled. A deadline the user cannot see is 404; one they see but may not fulfil (or a
    role that sees no deadlines) is 403; a refusal of the facts (already fulfilled) goes back with a message."""
    if not dl.may_see_deadlines(request.user):
        raise PermissionDenied("deadlines are the agencies' and ICE's operational data")
    if kind not in ("action", "complaint"):
        raise Http404(f"no kind of deadline {kind!r}")
    back = request.POST.get("next") or ""
    try:
        if kind == "action":
            ob = get_object_or_404(Obligation.objects.filter(action__in=visible_actions(request.user).values("pk")),
                                   pk=pk)
            fulfil_reported(request.user, ob)
        else:
            _fulfil_complaint(request.user, pk)
    except ValidationError as exc:  # PermissionDenied goes on to the site's 403 page
        errors.show(request, exc)
    else:
        messages.success(request, "Marked fulfilled.")
    if back.startswith("/") and not back.startswith("//"):  # only back to a page of this site
        return redirect(back)
    return redirect("operations:deadlines")


def _fulfil_complaint(user, pk: int) -> None:
    """A complaint's obligations are met by the complaint workflow's own steps (telling ICE, reporting)."""
    ob = get_object_or_404(ComplaintObligation.objects.filter(complaint__in=visible_complaints(user).values("pk")),
                           pk=pk)
    if ob.code == ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT:
        cs.notify_ice(user, ob.complaint)
    else:
        cs.report_resolution(user, ob.complaint)
