"""The pieces every app shares: one answer to a refusal, one reader of query days, Role in templates, measure
labels once."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.template import Context, Template

from g287 import inputs
from g287.accounts.choices import Role
from g287.reports import annual, opendata
from g287.reports.choices import MEASURE_HEADS, MEASURE_LABELS
from g287.reports.measures import MEASURES
from g287 import errors
from g287.web.api import exception_handler


def test_the_api_answers_every_kind_of_refusal_in_one_place():
    by_field = exception_handler(ValidationError({"reason": "give a reason"}), {})
    assert by_field.status_code == 400 and by_field.data == {"reason": ["give a reason"]}
    plain = exception_handler(ValidationError(["first", "second"]), {})
    assert plain.status_code == 400 and plain.data == {"detail": ["first", "second"]}
    unreadable = exception_handler(inputs.InputError("as_of", "'x' is not a date"), {})
    assert unreadable.status_code == 400 and unreadable.data == {"as_of": ["'x' is not a date"]}
    refused = exception_handler(PermissionDenied("not yours"), {})
    assert refused.status_code == 403 and refused.data == {"detail": "not yours"}


def test_pages_read_refusals_the_same_way():
    err = ValidationError({"at": ["too early", "too late"], "__all__": ["whole"]})
    assert errors.messages_of(err) == ["too early", "too late", "whole"]
    assert errors.text_of(ValidationError("one %(n)s", params={"n": "two"})) == "one two"
    assert errors.by_field(ValidationError("x")) == {"detail": ["x"]}


def test_query_days_are_read_by_the_one_reader():
    assert inputs.day_param(QueryDict("as_of=2025-05-01")) == date(2025, 5, 1)
    assert inputs.day_param(QueryDict("as_of="), default=date(2020, 1, 2)) == date(2020, 1, 2)
    assert inputs.whole_param(QueryDict(""), "horizon", 90) == 90
    for bad in ("20250501", "2025-02-30", "9999-12-31"):
        with pytest.raises(inputs.InputError) as caught:
            inputs.day_param(QueryDict(f"as_of={bad}"))
        assert caught.value.field == "as_of"
    field = inputs.DayField(required=False)
    assert field.clean("2025-05-01") == date(2025, 5, 1) and field.clean("") is None
    with pytest.raises(ValidationError, match="outside the years"):
        field.clean("9999-12-31")


@pytest.mark.django_db
def test_the_officer_status_api_reads_as_of_like_every_other(client):
    from g287.accounts.models import User
    from tests.conftest import sign_in
    from tests.personnel import factories as f

    ag = f.agency("glue-so", state="AL")
    officer = f.officer(ag, "GL-1")
    sign_in(client, User.objects.create_user("glue-po", password="not-used-1234-gl", role=Role.PROGRAM_OFFICE))
    resp = client.get(f"/api/personnel/officers/{officer.pk}/status/?as_of=20250501")
    assert resp.status_code == 400 and "as_of" in resp.json()
    assert client.get(f"/api/personnel/officers/{officer.pk}/status/?as_of=2025-05-01").json()["as_of"] == "2025-05-01"


def test_templates_compare_roles_with_the_role_constants():
    html = Template("{% if r == Role.PROGRAM_OFFICE %}po{% endif %}").render(Context({"Role": Role, "r": "program_office"}))
    assert html == "po"


def test_measure_labels_are_declared_once():
    keys = [m.key for m in MEASURES]
    assert list(MEASURE_LABELS) == keys and list(MEASURE_HEADS) == keys
    assert not hasattr(annual, "MEASURE_TITLES")
    assert opendata.SHARE_DESCRIPTIONS["training_compliance"] == "officers_compliant / officers_authorized."
    assert list(opendata.SHARE_DESCRIPTIONS) == [m.key for m in MEASURES if m.kind == "share"]
