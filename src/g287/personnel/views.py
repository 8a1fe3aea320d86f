"""Personnel pages: the officers of the agencies in the reader's scope, and each officer's standing on a day.

Coordinators nominate their agency's officers and record trainings and exam scores; ICE staff certify
eligibility, authorize under an agreement and revoke (``personnel.roles``). Every write is one service call that
writes its audit event; a form with an error is shown again with what was typed.
"""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from g287.accounts.scoping import scope, visible_agencies
from g287.personnel import forms as f
from g287.personnel import roles
from g287.personnel import services as s
from g287.personnel.models import Authorization, Officer
from g287.personnel.status import officer_status, standings
from g287 import errors


def _guard(request):
    if not roles.may(request.user, roles.VIEW):
        raise PermissionDenied(_("Your role does not include the agencies' officers."))


@login_required
def officer_list(request):
    _guard(request)
    agencies = visible_agencies(request.user)
    filters = f.OfficerFilterForm(request.GET or None, agencies=agencies)
    qs = scope(Officer.objects.select_related("agency"), request.user)
    as_of = timezone.localdate()
    if filters.is_valid():
        d = filters.cleaned_data
        if d["q"]:
            qs = qs.filter(reference__icontains=d["q"].strip())
        if d["agency"]:
            qs = qs.filter(agency=d["agency"])
        as_of = d["as_of"] or as_of
    page = Paginator(qs.order_by("agency__state", "agency__name", "reference"), 50).get_page(request.GET.get("page"))
    rows = [(o, officer_status(o, as_of)) for o in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "personnel/officer_list.html", {
        "filters": filters, "page": page, "rows": rows, "as_of": as_of, "query": params.urlencode(),
        "may_nominate": roles.may(request.user, roles.NOMINATE) and request.user.agency_id is not None,
    })


@login_required
def officer_new(request):
    _guard(request)
    agency = request.user.agency if request.user.agency_id else None
    if agency is None or not roles.may(request.user, roles.NOMINATE, agency):
        raise PermissionDenied(_("Officers are nominated by their agency's coordinator."))
    form = f.NominationForm(request.POST or None, initial={"us_citizen": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            officer = s.nominate_officer(request.user, agency, d["reference"], us_citizen=d["us_citizen"],
                                         lea_experience_years=d["lea_experience_years"], nominated=d["nominated"])
        except ValidationError as err:
            errors.add_to_form(form, err)
        else:
            messages.success(request, _("Officer %(ref)s nominated. ICE checks the background next.")
                             % {"ref": officer.reference})
            return redirect("personnel:officer-detail", pk=officer.pk)
    return render(request, "personnel/officer_form.html", {"form": form, "agency": agency})


def _officer(request, pk) -> Officer:
    return get_object_or_404(scope(Officer.objects.select_related("agency"), request.user), pk=pk)


def _detail(request, officer: Officer, status: int = 200, **forms):
    as_of = errors.day_or_today(request)
    agency = officer.agency
    may = {w: roles.may(request.user, w, agency) for w in (roles.TRAINING, roles.CERTIFY, roles.AUTHORIZE)}
    context = {
        "officer": officer, "as_of": as_of, "status": officer_status(officer, as_of),
        "standings": standings(officer, as_of),
        "trainings": officer.trainings.prefetch_related("exams").order_by("completed", "id"),
        "authorizations": officer.authorizations.select_related("agreement").order_by("granted", "id"),
        "may_train": may[roles.TRAINING], "may_certify": may[roles.CERTIFY], "may_authorize": may[roles.AUTHORIZE],
        "training_form": forms.get("training_form") or f.TrainingForm(),
        "eligibility_form": forms.get("eligibility_form") or f.EligibilityForm(initial={
            "background_check": officer.background_check, "us_citizen": officer.us_citizen,
            "lea_experience_years": officer.lea_experience_years}),
        "authorization_form": forms.get("authorization_form") or f.AuthorizationForm(agency=agency),
        "revocation_form": forms.get("revocation_form") or f.RevocationForm(),
        "revoking": forms.get("revoking"),
    }
    return render(request, "personnel/officer_detail.html", context, status=status)


@login_required
def officer_detail(request, pk):
    _guard(request)
    return _detail(request, _officer(request, pk))


def _write(request, officer, what: str, form, key: str, call, success: str, **extra):
    """Run one service write from a form; on an error, the officer's page again with the form as typed."""
    roles.require(request.user, what, officer.agency)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as err:
            errors.add_to_form(form, err)
        else:
            messages.success(request, success)
            return redirect("personnel:officer-detail", pk=officer.pk)
    return _detail(request, officer, status=400, **{key: form}, **extra)


@login_required
@require_POST
def training_add(request, pk):
    _guard(request)
    officer = _officer(request, pk)
    return _write(request, officer, roles.TRAINING, f.TrainingForm(request.POST), "training_form",
                  lambda d: s.record_training(request.user, officer, course=d["course"], model=d["model"],
                                              completed=d["completed"], exams=d["exams"]),
                  _("Training recorded."))


@login_required
@require_POST
def eligibility(request, pk):
    _guard(request)
    officer = _officer(request, pk)
    return _write(request, officer, roles.CERTIFY, f.EligibilityForm(request.POST), "eligibility_form",
                  lambda d: s.update_eligibility(request.user, officer, us_citizen=d["us_citizen"],
                                                 background_check=d["background_check"],
                                                 lea_experience_years=d["lea_experience_years"]),
                  _("Eligibility recorded."))


@login_required
@require_POST
def authorize(request, pk):
    _guard(request)
    officer = _officer(request, pk)
    form = f.AuthorizationForm(request.POST, agency=officer.agency)
    return _write(request, officer, roles.AUTHORIZE, form, "authorization_form",
                  lambda d: s.grant_authorization(request.user, officer, d["agreement"], d["granted"]),
                  _("Authorization recorded."))


@login_required
@require_POST
def revoke(request, pk):
    _guard(request)
    auth = get_object_or_404(scope(Authorization.objects.select_related("officer__agency"), request.user,
                                   "officer__agency"), pk=pk)
    officer = auth.officer
    return _write(request, officer, roles.AUTHORIZE, f.RevocationForm(request.POST), "revocation_form",
                  lambda d: s.revoke_authorization(request.user, auth, d["revoked"], d["reason"]),
                  _("Authorization revoked."), revoking=auth.pk)
