"""Program management pages: the applications queue, targets and progress, capacity, funding.

Login required everywhere; every agency's rows go through accounts.scoping (the program office sees all, a field
office its states). Program-wide figures that belong to no agency (targets, appropriations, training classes)
are shown to every signed-in user.
"""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from g287.accounts.models import Role
from g287.accounts.scoping import scope, visible_agencies
from g287.program import demo as program_demo
from g287.program import services
from g287.program.fiscal import fiscal_year, fy_bounds
from g287.program.forms import (
    ApplicationForm,
    ApprovalForm,
    DayForm,
    DecisionForm,
    DeclarationsForm,
    TargetForm,
)
from g287.program.models import (
    AnnualTarget,
    Appropriation,
    ApplicationStatus,
    ProgramApplication,
    TrainingClass,
)
from g287.registry.models import Agreement, FieldOffice
from g287.charts import bar_chart
from g287 import errors


def _is_program_office(user) -> bool:
    return user.is_superuser or user.role == Role.PROGRAM_OFFICE


def _receives(user) -> bool:
    return _is_program_office(user) or user.role == Role.FIELD_OFFICE


def _applications(user):
    return scope(ProgramApplication.objects.select_related("agency", "decided_by", "ice_application"), user)


@login_required
def index(request):
    return render(request, "program/index.html", {
        "open": _applications(request.user).filter(status__in=services.OPEN_STATUSES).count(),
        "fy": fiscal_year(timezone.localdate()),
    })


@login_required
def application_list(request):
    apps = _applications(request.user).prefetch_related("evaluations")
    status = request.GET.get("status", "")
    if status and status in ApplicationStatus.values:
        apps = apps.filter(status=status)
    counts = dict(_applications(request.user).values_list("status").annotate(n=Count("id")))
    rows = [(a, a.latest_evaluation) for a in apps.order_by("status", "received", "id")]
    return render(request, "program/application_list.html", {
        "rows": rows, "status": status, "statuses": ApplicationStatus.choices, "counts": counts,
        "can_import": _is_program_office(request.user), "can_enter": _receives(request.user),
    })


@login_required
def application_new(request):
    if not _receives(request.user):
        raise PermissionDenied("Applications are entered by the program office or a field office.")
    agencies = visible_agencies(request.user).order_by("state", "name")
    form = ApplicationForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            app = services.create_application(request.user, data.pop("agency"), data.pop("model"),
                                              data.pop("received"), **data)
        except ValidationError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, f"Application of {app.agency.name} for the {app.model} model received.")
            return redirect("program:application-detail", app.pk)
    return render(request, "program/application_form.html", {"form": form})


@login_required
@require_POST
def application_import(request):
    created = services.import_pending_applications(request.user)
    messages.success(request, f"{len(created)} application(s) taken from ICE's pending list.")
    return redirect("program:application-list")


@login_required
def application_detail(request, pk: int):
    app = get_object_or_404(_applications(request.user), pk=pk)
    evaluations = list(app.evaluations.select_related("evaluated_by").order_by("-as_of", "-id"))
    can_edit = _receives(request.user) and app.is_open
    declarations = DeclarationsForm(instance=app)
    if request.method == "POST" and can_edit:
        declarations = DeclarationsForm(request.POST, instance=ProgramApplication.objects.get(pk=app.pk))
        if declarations.is_valid():
            try:
                services.update_declarations(request.user, app, **{
                    k: declarations.cleaned_data[k] for k in DeclarationsForm.Meta.fields})
            except ValidationError as exc:
                errors.show(request, exc)
            else:
                messages.success(request, "Declarations saved. Evaluate again to score them.")
                return redirect("program:application-detail", app.pk)
    return render(request, "program/application_detail.html", {
        "app": app, "evaluation": evaluations[0] if evaluations else None, "evaluations": evaluations,
        "declarations": declarations, "can_edit": can_edit, "can_decide": _is_program_office(request.user),
        "day_form": DayForm(), "decision_form": DecisionForm(), "statuses": ApplicationStatus,
    })


@login_required
@require_POST
def application_evaluate(request, pk: int):
    app = get_object_or_404(_applications(request.user), pk=pk)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the day of the evaluation (YYYY-MM-DD).")
        return redirect("program:application-detail", app.pk)
    try:
        if app.status == ApplicationStatus.RECEIVED:
            services.start_evaluation(request.user, app, form.cleaned_data["on"])
        else:
            services.reevaluate(request.user, app, form.cleaned_data["on"])
    except ValidationError as exc:
        errors.show(request, exc)
    else:
        messages.success(request, "Evaluation recorded.")
    return redirect("program:application-detail", app.pk)


@login_required
@require_POST
def application_decide(request, pk: int, action: str):
    app = get_object_or_404(_applications(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
        return redirect("program:application-detail", app.pk)
    fn = {"deny": services.deny, "withdraw": services.withdraw}[action]
    try:
        fn(request.user, app, form.cleaned_data["decided"], form.cleaned_data["reason"])
    except ValidationError as exc:
        errors.show(request, exc)
    else:
        messages.success(request, f"Application {'denied' if action == 'deny' else 'withdrawn'}.")
    return redirect("program:application-detail", app.pk)


@login_required
def application_approve(request, pk: int):
    """The approval form: capacity is checked for the decision day and any shortfall is shown first."""
    app = get_object_or_404(_applications(request.user), pk=pk)
    if not _is_program_office(request.user):
        raise PermissionDenied("Applications are approved by the program office.")
    form = ApprovalForm(request.POST or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["decided"]
    elif request.GET.get("decided"):
        day = errors.day_or_today(request, "decided")
        form = ApprovalForm(initial={"decided": day})
    found = services.shortfalls(app, day) if app.status == ApplicationStatus.UNDER_EVALUATION else []
    if form.is_bound and form.is_valid():
        try:
            services.approve(request.user, app, day, form.cleaned_data["reason"],
                             acknowledge_shortfall=form.cleaned_data["acknowledge_shortfall"])
        except services.ShortfallNotAcknowledged:
            form.add_error("acknowledge_shortfall", "Approving exceeds capacity: tick the acknowledgement to "
                                                    "approve anyway, or wait until capacity is there.")
        except ValidationError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, "Application approved." + (" The capacity shortfall was acknowledged."
                                                                 if found else ""))
            return redirect("program:application-detail", app.pk)
    return render(request, "program/application_approve.html", {
        "app": app, "form": form, "shortfalls": found, "day": day, "evaluation": app.latest_evaluation,
    }, status=400 if form.is_bound and form.errors else 200)


# ---------------------------------------------------------------- targets

@login_required
def targets(request):
    today = timezone.localdate()
    fy_now = fiscal_year(today)
    if request.method == "POST":
        if not _is_program_office(request.user):
            raise PermissionDenied("The annual target is set by the program office.")
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                services.set_target(request.user, form.cleaned_data["fiscal_year"], form.cleaned_data["target"],
                                    today, form.cleaned_data["note"])
            except ValidationError as exc:
                errors.show(request, exc)
            else:
                messages.success(request, f"Target for FY{form.cleaned_data['fiscal_year']} set.")
                return redirect("program:targets")
    else:
        form = TargetForm(initial={"fiscal_year": fy_now})
    agreements = scope(Agreement.objects.all(), request.user)
    first_signed = agreements.exclude(signed__isnull=True).order_by("signed").values_list("signed", flat=True).first()
    years = set(AnnualTarget.objects.values_list("fiscal_year", flat=True)) | {fy_now}
    if first_signed:
        years |= set(range(max(fiscal_year(first_signed), fy_now - 9), fy_now + 1))
    rows = [services.progress(fy, agreements, as_of=today if fy == fy_now else None) for fy in sorted(years)]
    items = []
    for r in rows[-10:]:
        items.append((f"FY{r['fiscal_year']} signed", r["signed"], "bar"))
        if r["target"] is not None:
            items.append((f"FY{r['fiscal_year']} target", r["target"], "bar--superseded"))
    whole = _is_program_office(request.user)
    return render(request, "program/targets.html", {"demo_facts": program_demo.present(),
        "rows": rows, "chart": bar_chart("New agreements signed and the annual target, by fiscal year", items),
        "form": form, "can_set": whole, "whole_program": whole, "fy_now": fy_now, "today": today,
        "bounds": fy_bounds(fy_now),
    })


# ---------------------------------------------------------------- capacity

@login_required
def capacity(request):
    day = errors.day_or_today(request)
    user = request.user
    if _is_program_office(user):
        offices = list(FieldOffice.objects.order_by("name"))
    else:
        states = set(visible_agencies(user, day).values_list("state", flat=True))
        offices = [fo for fo in FieldOffice.objects.order_by("name") if states & set(fo.states or [])]
    limits = services.limits_on(day)
    pending = (services.pending_installations(day, visible_agencies(user, day))
               .select_related("agency").order_by("requested"))
    classes = TrainingClass.objects.filter(end__gte=day).order_by("start", "model")[:50]
    return render(request, "program/capacity.html", {"demo_facts": program_demo.present(),
        "day": day, "limits": limits, "offices": services.capacity_by_field_office(day, offices),
        "classes": classes, "pending": pending, "pending_total": services.pending_installations(day).count(),
    })


# ---------------------------------------------------------------- funding

@login_required
def funding(request):
    today = timezone.localdate()
    fy_now = fiscal_year(today)
    try:
        fy = int(request.GET.get("fy", fy_now))
    except ValueError:
        messages.error(request, f"“{request.GET.get('fy')}” is not a fiscal year; showing FY{fy_now}.")
        fy = fy_now
    appropriations = list(Appropriation.objects.order_by("fiscal_year"))
    known = [(f"FY{a.fiscal_year}", int(a.amount), "bar") for a in appropriations if a.amount is not None]
    split = services.agency_cost_split(fy, visible_agencies(request.user))
    return render(request, "program/funding.html", {"demo_facts": program_demo.present(),
        "fy": fy, "appropriations": appropriations,
        "chart": bar_chart("Federal appropriations by fiscal year (dollars)", known) if known else None,
        "cost": services.cost_per_agreement(fy),
        "split": split,
        "without_costs": len({a.agency_id for a in services.agreements_in_force(
            fy, scope(Agreement.objects.all(), request.user))} - {r["agency"].pk for r in split}),
        "bounds": fy_bounds(fy), "years": sorted({a.fiscal_year for a in appropriations} | {fy_now}),
    })
