"""An agreement's status on a day includes the suspension and termination notices in effect (registry.notices),
on its public page, the lists and their filter, the API and the open-data table."""

from datetime import date, timedelta

import pytest

from g287.personnel.services import lift_suspension, record_agreement_notice
from g287.registry.filters import annotate_status
from g287.registry.models import Agreement
from g287.registry.notices import NoticeStatus, notice_statuses
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


def status(agreement, day):
    return annotate_status(Agreement.objects.filter(pk=agreement.pk), day).values_list("status_on", "listing_on").get()


def test_when_each_notice_takes_effect_follows_the_template():
    reg = build_registry()
    day = date(2025, 7, 4)
    # JEM 2025: ICE suspends at once; ICE terminates 90 days after the notice.
    record_agreement_notice(None, reg.colbert_jem_2025, kind="suspension", by="ICE", notice=day)
    assert status(reg.colbert_jem_2025, day) == ("suspended", "active")
    assert status(reg.colbert_jem_2025, day - timedelta(days=1)) == ("active", "active")
    # WSO 2025: 90 days unless exigent.
    record_agreement_notice(None, reg.colbert_wso, kind="suspension", by="ICE", notice=day)
    assert status(reg.colbert_wso, day)[0] == NoticeStatus.SUSPENSION_PENDING
    assert status(reg.colbert_wso, day + timedelta(days=90))[0] == NoticeStatus.SUSPENDED
    # TFM 2025 terminated by ICE: pending for 90 days, then terminated; a termination outranks a suspension.
    record_agreement_notice(None, reg.patrol_tfm, kind="termination", by="ICE", notice=day)
    assert status(reg.patrol_tfm, day) == ("termination_pending", "active")
    assert status(reg.patrol_tfm, day + timedelta(days=89))[0] == "termination_pending"
    assert status(reg.patrol_tfm, day + timedelta(days=90))[0] == "terminated"
    # The lifted exigent suspension of June (build_registry) counts only while it was in effect.
    assert status(reg.patrol_tfm, date(2025, 6, 22))[0] == "suspended"
    assert status(reg.patrol_tfm, date(2025, 6, 25))[0] == "active"


def test_a_lifted_suspension_no_longer_shows():
    reg = build_registry()
    day = date(2025, 7, 4)
    event = record_agreement_notice(None, reg.colbert_jem_2025, kind="suspension", by="ICE", notice=day)
    lift_suspension(None, event, day + timedelta(days=10))
    assert notice_statuses(day + timedelta(days=5)) == {reg.colbert_jem_2025.pk: "suspended"}
    assert notice_statuses(day + timedelta(days=10)) == {}


def test_public_page_list_filter_api_and_open_data_show_the_suspension(client, tmp_path):
    reg = build_registry()
    today = date.today()
    record_agreement_notice(None, reg.colbert_jem_2025, kind="suspension", by="ICE", notice=today)
    page = client.get(f"/agreements/{reg.colbert_jem_2025.pk}/").content.decode()
    assert 'data-status="suspended"' in page.split("Status on", 1)[1][:400]
    listed = client.get("/agreements/?status=suspended").content.decode()
    assert "Colbert" in listed and "Orange" not in listed
    assert client.get("/agreements/?status=active").content.decode().count('data-status="suspended"') == 0
    assert b"Colbert" in client.get("/agencies/?status=suspended").content
    api = client.get(f"/api/agreements/{reg.colbert_jem_2025.pk}/").json()
    assert (api["status"], api["listing_status"]) == ("suspended", "active")
    assert [a["id"] for a in client.get("/api/agreements/?status=suspended").json()["results"]] == [
        reg.colbert_jem_2025.pk]

    from g287.reports.opendata import _agreements

    table = _agreements(today).frame
    row = table.filter(table["agreement_id"] == reg.colbert_jem_2025.pk).row(0, named=True)
    assert (row["status"], row["listing_status"]) == ("suspended", "active")


def test_the_action_form_names_a_suspension_beside_the_agreement():
    from g287.accounts.models import Role, User
    from g287.operations.forms import ActionForm

    reg = build_registry()
    record_agreement_notice(None, reg.colbert_jem_2025, kind="suspension", by="ICE", notice=date.today())
    coord = User.objects.create_user("c", password="x-long-password-1", role=Role.LEA_COORDINATOR,
                                     agency=reg.colbert)
    labels = [label for _, label in ActionForm(user=coord).fields["agreement"].choices][1:]
    assert any(label.endswith("— suspended") and "2025-05-30" in label for label in labels)
    assert sum("suspended" in label for label in labels) == 1
