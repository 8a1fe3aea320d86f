"""The engine's facts, gathered from the database.

``facts_for(officer, agreement)`` reads an agreement with its suspension and termination notices and an
officer with trainings, exam scores and authorizations: one query, whatever the history's length.
Everything is passed as recorded; which facts matter on which day is the engine's business.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import Prefetch

from g287.personnel.models import Authorization, ExamScore, Officer, Training
from g287.rows import Columns, prepared_cursor
from g287.policy import facts as pf
from g287.registry.models import Agency, Agreement, AgreementEvent

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


def _q(name: str) -> str:
    return f'"{name}"'


def _rows_sql(vendor: str, model, key: str, fields: list[str], outer: str, extra: str = "") -> str:
    """A subquery giving the rows of ``model`` whose ``key`` column is ``outer``'s id, as one JSON array of
    arrays of ``fields`` (SQL expressions). Plain SQL: composed once per database vendor, because building
    the same from ORM expressions costs more per request than running it."""
    agg, arr = ("JSONB_AGG", "JSONB_BUILD_ARRAY") if vendor == "postgresql" else ("JSON_GROUP_ARRAY", "JSON_ARRAY")
    t = model._meta.db_table
    return (f"(SELECT {agg}({arr}({', '.join(fields)})) FROM {_q(t)} WHERE {_q(t)}.{_q(key)} = "
            f"{_q(outer)}.{_q('id')}{extra})")


@lru_cache(maxsize=4)
def _history_sql(vendor: str) -> tuple[str, str, str]:
    """The notices of an agreement, the trainings (each with its exam scores) and the authorizations of an
    officer, each as a JSON array of arrays (unordered: ordered in Python)."""
    ev, tr, ex, au = (m._meta.db_table for m in (AgreementEvent, Training, ExamScore, Authorization))
    kinds = ", ".join(f"'{k}'" for k in NOTICE_KINDS)  # the model's own constants, not input
    notices = _rows_sql(vendor, AgreementEvent, "agreement_id",
                        [f"{_q(ev)}.{_q(c)}" for c in ("date", "id", "kind", "by", "exigent", "lifted")],
                        Agreement._meta.db_table, f" AND {_q(ev)}.{_q('kind')} IN ({kinds})")
    exams = _rows_sql(vendor, ExamScore, "training_id", [f"{_q(ex)}.{_q(c)}" for c in ("order", "score")], tr)
    if vendor != "postgresql":  # SQLite passes a subquery's JSON on as text unless told it is JSON
        exams = f"JSON({exams})"
    trainings = _rows_sql(vendor, Training, "officer_id",
                          [f"{_q(tr)}.{_q(c)}" for c in ("completed", "id", "course", "model")] + [exams],
                          Officer._meta.db_table)
    authorizations = _rows_sql(vendor, Authorization, "officer_id",
                               [f"{_q(au)}.{_q(c)}" for c in ("granted", "id", "agreement_id", "revoked")],
                               Officer._meta.db_table)
    return notices, trainings, authorizations


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else (value or [])


def _date(value):
    return None if value is None else date.fromisoformat(value[:10])


@lru_cache(maxsize=4)
def _load_sql(vendor: str) -> tuple[str, Columns, Columns, Columns]:
    ag, agency, off = (Columns(m, connection) for m in (Agreement, Agency, Officer))
    notices, trainings, authorizations = _history_sql(vendor)
    a, g, o = (_q(m._meta.db_table) for m in (Agreement, Agency, Officer))
    sql = (f"SELECT {ag.sql}, {agency.sql}, {off.sql}, {notices}, {trainings}, {authorizations} "
           f"FROM {a} INNER JOIN {g} ON {a}.{_q('agency_id')} = {g}.{_q('id')} CROSS JOIN {o} "
           f"WHERE {a}.{_q('id')} = %s AND {o}.{_q('id')} = %s")
    return sql, ag, agency, off


def load(officer_id: int, agreement_id: int) -> tuple[Officer, Agreement, pf.Facts]:
    """The officer and the agreement (with its agency) and their facts, read once: callers that must check
    who may act on them (the API) use the same rows the decision is made on. Raises DoesNotExist.

    One query (this runs for every recorded action): the agreement with its agency and notices and the
    officer with trainings, exam scores and authorizations, the histories as JSON arrays beside the row,
    ordered here as the engine is given them everywhere (by date, then id). The rows become model
    instances exactly as the ORM would make them."""
    sql, ag_cols, agency_cols, off_cols = _load_sql(connection.vendor)
    with prepared_cursor(connection) as cur:
        cur.execute(sql, [int(agreement_id), int(officer_id)])
        row = cur.fetchone()
    if row is None:
        if not Agreement.objects.filter(pk=agreement_id).exists():
            raise Agreement.DoesNotExist(f"no agreement {agreement_id}")
        raise Officer.DoesNotExist(f"no officer {officer_id}")
    n_ag, n_agency, n_off = len(ag_cols.names), len(agency_cols.names), len(off_cols.names)
    ag = ag_cols.build(row[:n_ag], connection)
    ag.agency = agency_cols.build(row[n_ag:n_ag + n_agency], connection)
    off = off_cols.build(row[n_ag + n_agency:n_ag + n_agency + n_off], connection)
    notice_rows, training_rows, authorization_rows = row[n_ag + n_agency + n_off:]
    notices = sorted((_date(d), i, kind, by, bool(exigent), _date(lifted))
                     for d, i, kind, by, exigent, lifted in _json(notice_rows))
    trainings = sorted((_date(done), i, course, model, tuple(score for _, score in sorted(_json(exams))))
                       for done, i, course, model, exams in _json(training_rows))
    authorizations = sorted((_date(g), i, a, _date(r)) for g, i, a, r in _json(authorization_rows))
    return off, ag, pf.Facts(
        agreement=agreement_facts(ag, [AgreementEvent(date=d, id=i, kind=k, by=by, exigent=x, lifted=lifted)
                                       for d, i, k, by, x, lifted in notices]),
        officer=pf.OfficerFacts(
            id=str(off.pk),
            agency_id=str(off.agency_id),
            us_citizen=off.us_citizen,
            background_check=pf.BackgroundCheck(off.background_check),
            lea_experience_years=float(off.lea_experience_years),
            trainings=tuple(pf.Training(course=course, model=pf.Model(model), completed=done, exams=exams)
                            for done, _, course, model, exams in trainings),
            authorizations=tuple(pf.Authorization(agreement_id=str(a), granted=g, revoked=r)
                                 for g, _, a, r in authorizations),
        ))
