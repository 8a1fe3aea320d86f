"""The public measures page: columns headed in words, the audit's findings as plain reasons, and a note when the
database holds demonstration (synthetic) activity."""

from datetime import date

import pytest

from g287.operations.models import Action
from g287.operations.services import ActionInput, record_reported
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_measures_page_speaks_plainly_and_labels_synthetic_activity(client):
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    done = record_reported(None, o, m, ActionInput(function="issue_detainer", at=__import__("datetime").datetime(
        2025, 6, 2, 9, 0), criminal_charge="none"), "REF-1")
    assert not done.action.allowed
    page = client.get("/portal/measures/?as_of=2025-07-01").content.decode()
    assert 'data-measure="training_compliance">Training current</th>' in page
    assert "<abbr" not in page and "SUBJECT_NO_CRIMINAL_CHARGE</code>" not in page
    assert 'data-synthetic' not in page and 'data-testid="synthetic-note"' not in page
    Action.objects.update(synthetic=True)
    from django.core.cache import cache

    cache.clear()
    page = client.get("/portal/measures/?as_of=2025-07-01").content.decode()
    assert 'data-testid="synthetic-note"' in page
