"""``facts.load`` reads everything in one query; it must give exactly the facts and the model instances the
ORM gives (``agreement_facts``/``officer_facts`` on the related managers), whatever the histories hold."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from g287.personnel import facts as F
from g287.personnel import services as ps
from g287.personnel.models import Authorization, Officer
from g287.policy import facts as pf
from g287.registry.models import Agency, Agreement, AgreementEvent
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def _orm_facts(officer: Officer, agreement: Agreement) -> pf.Facts:
    events = AgreementEvent.objects.filter(agreement=agreement, kind__in=F.NOTICE_KINDS).order_by("date", "id")
    return pf.Facts(agreement=F.agreement_facts(agreement, events), officer=F.officer_facts(officer))


def _fields(obj) -> dict:
    return {fld.attname: getattr(obj, fld.attname) for fld in type(obj)._meta.concrete_fields}


def test_one_query_gives_what_the_orm_gives():
    a = f.agency("facts-so", state="TX", detention_agreement=True)
    jem, wso = f.agreement(a, "JEM"), f.agreement(a, "WSO", signed=date(2024, 11, 5))
    # rich history: trainings out of date order, several exam attempts entered out of order, none at all,
    # a revoked authorization and a new one, notices of both kinds (one lifted, one exigent), another event kind
    rich = f.officer(a, "R-1", completed=date(2025, 3, 20), exams=(61, 74, 93), authorize=jem, us_citizen=True,
                     lea_experience_years=2.5)
    ps.record_training(None, rich, course="refresher", model="JEM", completed=date(2027, 3, 1), exams=[])
    ps.record_training(None, rich, course="basic", model="WSO", completed=date(2024, 12, 1), exams=[88])
    ps.record_training(None, rich, course="refresher", model="JEM", completed=date(2026, 3, 1), exams=[90, 95])
    auth = Authorization.objects.get(officer=rich, agreement=jem)
    ps.grant_authorization(None, rich, wso, date(2025, 1, 2))
    f.officer(a, "K-1", authorize=jem)  # so that revoking R-1 does not leave the agreement without officers
    ps.revoke_authorization(None, auth, date(2025, 9, 1), "reassigned")
    ps.grant_authorization(None, rich, jem, date(2025, 10, 1))
    ps.record_agreement_notice(None, jem, kind="suspension", by="ICE", notice=date(2026, 1, 1), lifted=date(2026, 2, 1))
    ps.record_agreement_notice(None, jem, kind="termination", by="LEA", notice=date(2027, 5, 1), exigent=True)
    ps.record_agreement_notice(None, jem, kind="suspension", by="LEA", notice=date(2025, 12, 1))
    AgreementEvent.objects.create(agreement=jem, kind=AgreementEvent.Kind.RENEWAL, date=date(2025, 6, 1))
    bare = f.officer(a, "N-1", completed=None, us_citizen=False, background_check="pending")
    cases = [(rich, jem), (rich, wso), (bare, jem), (bare, wso)]
    for officer, agreement in cases:
        with CaptureQueriesContext(connection) as q:
            off, ag, facts = F.load(officer.pk, agreement.pk)
        assert len(q.captured_queries) == 1
        assert facts == _orm_facts(Officer.objects.get(pk=officer.pk), Agreement.objects.get(pk=agreement.pk))
        assert _fields(off) == _fields(Officer.objects.get(pk=officer.pk))
        assert _fields(ag) == _fields(Agreement.objects.get(pk=agreement.pk))
        assert _fields(ag.agency) == _fields(Agency.objects.get(pk=a.pk))
        assert not off._state.adding and not ag._state.adding and off._state.db == ag._state.db == "default"
    facts = F.load(rich.pk, jem.pk)[2]
    assert [t.exams for t in facts.officer.trainings] == [(88,), (61, 74, 93), (90, 95), ()]
    assert [(s.notice, s.lifted) for s in facts.agreement.suspensions] == [(date(2025, 12, 1), None),
                                                                           (date(2026, 1, 1), date(2026, 2, 1))]
    assert facts.agreement.terminations[0].exigent is True and facts.agreement.detention_agreement is True
    assert [x.revoked for x in facts.officer.authorizations] == [None, date(2025, 9, 1), None]


def test_missing_rows_are_named():
    a = f.agency("facts-miss")
    m = f.agreement(a)
    o = f.officer(a, "M-1", authorize=m)
    with pytest.raises(Officer.DoesNotExist):
        F.load(o.pk + 1000, m.pk)
    with pytest.raises(Agreement.DoesNotExist):
        F.load(o.pk, m.pk + 1000)
    with pytest.raises(Agreement.DoesNotExist):  # both missing: the agreement is named first, as before
        F.load(o.pk + 1000, m.pk + 1000)
