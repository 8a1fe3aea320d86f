"""The engine's facts, gathered from the database.

``facts_for(officer, agreement)`` reads an agreement with its suspension and termination notices and an
officer with trainings, exam scores and authorizations: four queries, whatever the history's length.
Everything is passed as recorded; which facts matter on which day is the engine's business.
"""

from __future__ import annotations

from django.db.models import Prefetch

from g287.personnel.models import Authorization, ExamScore, Officer, Training
from g287.policy import facts as pf
from g287.registry.models import Agreement, AgreementEvent

NOTICE_KINDS = (AgreementEvent.Kind.SUSPENSION, AgreementEvent.Kind.TERMINATION)


class FactsError(ValueError):
    """The database lacks something the engine needs (named in the message)."""


def agreement_facts(agreement: Agreement, events=None) -> pf.AgreementFacts:
    if not agreement.template_version:
        raise FactsError(f"agreement {agreement.key!r} (id {agreement.pk}) has no MOA template version: "
                         "record it before deciding actions under it")
    if agreement.signed is None:
        raise FactsError(f"agreement {agreement.key!r} (id {agreement.pk}) has no signing date")
    if events is None:
        events = AgreementEvent.objects.filter(agreement=agreement, kind__in=NOTICE_KINDS).order_by("date", "id")
    suspensions, terminations = [], []
    for e in events:
        if e.kind == AgreementEvent.Kind.SUSPENSION:
            suspensions.append(pf.Suspension(by=pf.Party(e.by), notice=e.date, exigent=e.exigent, lifted=e.lifted))
        elif e.kind == AgreementEvent.Kind.TERMINATION:
            terminations.append(pf.Termination(by=pf.Party(e.by), notice=e.date, exigent=e.exigent))
    return pf.AgreementFacts(
        id=str(agreement.pk),
        agency_id=str(agreement.agency_id),
        model=pf.Model(agreement.model),
        template=agreement.template_version,
        signed=agreement.signed,
        expires=agreement.expires,
        suspensions=tuple(suspensions),
        terminations=tuple(terminations),
        detention_agreement=agreement.agency.detention_agreement,
    )


def officer_facts(officer: Officer, trainings=None, authorizations=None) -> pf.OfficerFacts:
    if trainings is None:
        trainings = officer.trainings.prefetch_related(
            Prefetch("exams", queryset=ExamScore.objects.order_by("order"))).order_by("completed", "id")
    if authorizations is None:
        authorizations = officer.authorizations.order_by("granted", "id")
    return pf.OfficerFacts(
        id=str(officer.pk),
        agency_id=str(officer.agency_id),
        us_citizen=officer.us_citizen,
        background_check=pf.BackgroundCheck(officer.background_check),
        lea_experience_years=float(officer.lea_experience_years),
        trainings=tuple(
            pf.Training(course=t.course, model=pf.Model(t.model), completed=t.completed,
                        exams=tuple(x.score for x in t.exams.all()))
            for t in trainings
        ),
        authorizations=tuple(
            pf.Authorization(agreement_id=str(a.agreement_id), granted=a.granted, revoked=a.revoked)
            for a in authorizations
        ),
    )


def facts_for(officer: Officer | int, agreement: Agreement | int) -> pf.Facts:
    """The facts for one officer acting under one agreement, as the database holds them now."""
    agreement_id = agreement.pk if isinstance(agreement, Agreement) else agreement
    officer_id = officer.pk if isinstance(officer, Officer) else officer
    return load(officer_id, agreement_id)[2]


def load(officer_id: int, agreement_id: int) -> tuple[Officer, Agreement, pf.Facts]:
    """The officer and the agreement (with its agency) and their facts, read once: callers that must check
    who may act on them (the API) use the same rows the decision is made on. Raises DoesNotExist."""
    ag = (Agreement.objects.select_related("agency")
          .prefetch_related(Prefetch("events", queryset=AgreementEvent.objects.filter(kind__in=NOTICE_KINDS)
                                     .order_by("date", "id"), to_attr="notices"))
          .get(pk=agreement_id))
    off = (Officer.objects
           .prefetch_related(Prefetch("trainings", queryset=Training.objects.order_by("completed", "id")
                                      .prefetch_related(Prefetch("exams", queryset=ExamScore.objects.order_by("order")))),
                             Prefetch("authorizations", queryset=Authorization.objects.order_by("granted", "id")))
           .get(pk=officer_id))
    return off, ag, pf.Facts(agreement=agreement_facts(ag, ag.notices),
                             officer=officer_facts(off, off.trainings.all(), off.authorizations.all()))
