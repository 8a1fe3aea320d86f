"""The portal benchmark's ten years of activity: SYNTHETIC earlier agreements of real agencies, and the
generator unchanged without them."""

from datetime import date, timedelta

import pytest
from django.db.models import Max, Min

from bench.generate import HISTORY, HISTORY_NOTE, Sizes, generate
from g287.operations.models import Action
from g287.registry.filters import annotate_status
from g287.registry.models import Agreement, AgreementEvent
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db

SINCE, UNTIL = date(2016, 11, 1), date(2026, 10, 31)


def test_earlier_agreements_reach_back_to_the_day_asked_for():
    reg = build_registry()
    real = {a.pk: a for a in Agreement.objects.all()}
    first_real = {}
    for a in real.values():
        if a.signed:
            first_real[a.agency_id] = min(first_real.get(a.agency_id, a.signed), a.signed)
    out = generate(Sizes(agencies=10, officers=60, actions=1500, seed=5, since=SINCE, until=UNTIL,
                         history_share=1.0))
    history = list(Agreement.objects.filter(key__startswith=HISTORY).order_by("agency_id", "signed"))
    assert history and out.history["agreements"] == len(history) and out.history["since"] == SINCE.isoformat()
    assert min(a.signed for a in history) == SINCE
    for a in history:
        assert a.template_reason == HISTORY_NOTE and not a.observations.exists()
        assert a.signed <= first_real[a.agency_id] - timedelta(days=180)
        if a.signed < date(2019, 1, 1):
            assert (a.model, a.template_version) == ("JEM", "2016") and a.expires is not None
        else:
            assert a.template_version in ("2019", "2020") and a.expires is None
            notice = AgreementEvent.objects.get(agreement=a)
            assert (notice.kind, notice.by) == ("termination", "LEA")
    # Colbert's first real agreement (JEM, July 2019) leaves room for one legacy agreement only.
    colbert = [a for a in history if a.agency_id == reg.colbert.pk]
    assert [(a.model, a.template_version) for a in colbert] == [("JEM", "2016")]
    # Never listed by ICE: no status, so nothing on the map or the trend.
    statuses = annotate_status(Agreement.objects.filter(key__startswith=HISTORY), date(2026, 1, 1))
    assert set(statuses.values_list("listing_on", flat=True)) == {None}
    # Their termination notices still show: terminated once in effect (registry.notices).
    assert set(statuses.values_list("status_on", flat=True)) <= {None, "terminated"}
    span = Action.objects.aggregate(lo=Min("local_date"), hi=Max("local_date"))
    assert span["lo"] < date(2017, 6, 1) and span["hi"] <= UNTIL + timedelta(days=60)  # grants near the end
    assert Action.objects.filter(agreement__key__startswith=HISTORY).count() > 100


def test_without_a_start_day_no_history_is_made():
    build_registry()
    out = generate(Sizes(agencies=10, officers=60, actions=300, seed=5))
    assert out.history == {}
    assert not Agreement.objects.filter(key__startswith=HISTORY).exists()
    assert Action.objects.aggregate(lo=Min("local_date"))["lo"] >= date(2019, 6, 1)
