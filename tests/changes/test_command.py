"""``g287 registry changes``: the JSON shape of issue 12, the filters, clear errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("registry", "changes", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_and_filters(lists):
    files = lists()
    every = json.loads(_run("--json"))
    assert len(every) == 12
    assert set(every[0]) == {"publication", "date", "kind", "state", "agency", "model", "signed", "agreement"}
    renewal = next(c for c in every if c["kind"] == "renewal")
    assert renewal == {"publication": files["part2"].name, "date": "2025-06-03", "kind": "renewal", "state": "TX",
                       "agency": "Delta County Sheriff's Office", "model": "JEM", "signed": "2025-06-01",
                       "agreement": "TX:delta-county-sheriffs-office:JEM:2025-06-01"}
    assert {c["kind"] for c in json.loads(_run("--json", "--state", "ga"))} == {"removed", "returned", "redated"}
    assert [c["kind"] for c in json.loads(_run("--json", "--since", "2025-06-04"))] == ["returned"]
    pending = json.loads(_run("--json", "--publication", files["pend2"].name))
    assert all(c["agreement"] is None for c in pending) and len(pending) == 3
    assert "12 change(s)" in _run()
    assert json.loads(_run("--json", "--recompute")) == every


@pytest.mark.parametrize("args, message", [
    (("--since", "yesterday"), "--since: 'yesterday' is not a date"),
    (("--state", "XX"), "--state: 'XX' is not a USPS state code"),
    (("--publication", "nothing.xlsx"), "--publication: no publication 'nothing.xlsx'"),
])
def test_bad_input_is_named(lists, args, message):
    lists(keys=("part1",))
    with pytest.raises(CommandError, match=message):
        _run(*args)
