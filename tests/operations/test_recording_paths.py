"""The three ways to report an action — web form, API, CSV upload — give the same stored decisions, and each
is scoped to the recorder's own agency."""

from datetime import date

import pytest
from django.urls import reverse

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.operations.models import Action, ActionReference, OfficerAccount
from g287.operations.uploads import UploadRejected, import_actions
from g287.oversight.models import ReviewItem
from tests.conftest import sign_in
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db

HEADER = ("external_ref,officer,agreement,function,date,time,location,subject_ref,in_lea_custody,criminal_charge,"
          "charge_level,ice_designated,usc_claim,warrant_signed_by_ice,reason_to_believe,likely_to_escape\n")

# (function, date, time, location, custody, charge, level, ice_designated, usc, warrant, rtb, escape)
CASES = [
    ("issue_detainer", "2025-05-01", "09:30", "lea_facility", True, "pending", "felony", False, False, True, False, False),
    ("warrantless_arrest", "2025-05-02", "14:00", "field", False, "none", "", False, False, True, True, True),
    ("process", "2025-05-03", "08:15", "lea_facility", True, "convicted", "misdemeanor", False, True, True, False, False),
    ("screen", "2025-02-01", "10:00", "lea_facility", True, "pending", "infraction", False, False, True, False, False),
]


@pytest.fixture
def world():
    a = f.agency("a-so", state="IN")
    b = f.agency("b-so", state="TX")
    ma, mb = f.agreement(a), f.agreement(b)
    oa = f.officer(a, "A-1", authorize=ma)
    ob = f.officer(b, "B-1", authorize=mb)
    coord_a = User.objects.create_user("coord-a", password="x-unused-12345", role=Role.LEA_COORDINATOR, agency=a)
    return {"a": a, "b": b, "ma": ma, "mb": mb, "oa": oa, "ob": ob, "coord_a": coord_a}


def _yes(v):
    return "yes" if v else "no"


def _form_data(w, case, ref, officer=None, agreement=None):
    fn, d, t, loc, custody, charge, level, ice, usc, warrant, rtb, esc = case
    data = {"officer": (officer or w["oa"]).pk, "agreement": (agreement or w["ma"]).pk, "function": fn, "date": d,
            "time": t, "location": loc, "subject_ref": ref, "criminal_charge": charge, "charge_level": level,
            "external_ref": ref}
    for name, v in [("in_lea_custody", custody), ("ice_designated", ice), ("usc_claim", usc),
                    ("warrant_signed_by_ice", warrant), ("reason_to_believe", rtb), ("likely_to_escape", esc)]:
        if v:
            data[name] = "on"
    return data


def _api_data(w, case, ref, officer=None, agreement=None):
    fn, d, t, loc, custody, charge, level, ice, usc, warrant, rtb, esc = case
    return {"officer": (officer or w["oa"]).pk, "agreement": (agreement or w["ma"]).pk, "function": fn,
            "at": f"{d}T{t}", "location": loc, "subject_ref": ref, "in_lea_custody": custody,
            "criminal_charge": charge, "charge_level": level, "ice_designated": ice, "usc_claim": usc,
            "warrant_signed_by_ice": warrant, "reason_to_believe": rtb, "likely_to_escape": esc, "external_ref": ref}


def _csv_row(case, ref, officer="A-1", agreement="JEM"):
    fn, d, t, loc, custody, charge, level, ice, usc, warrant, rtb, esc = case
    return ",".join([ref, officer, agreement, fn, d, t, loc, ref, _yes(custody), charge, level, _yes(ice), _yes(usc),
                     _yes(warrant), _yes(rtb), _yes(esc)]) + "\n"


def _stored(action: Action):
    return (action.allowed, action.flagged_for_review, action.local_date, action.local_time,
            sorted(action.violations.values_list("code", flat=True)),
            sorted(action.obligations.values_list("code", "due", "due_local")))


def test_form_api_and_csv_store_identical_decisions(client, world):
    w = world
    sign_in(client, w["coord_a"])
    for i, case in enumerate(CASES):
        r = client.post(reverse("operations:action-new"), _form_data(w, case, f"form-{i}"))
        assert r.status_code == 302, r.content.decode()[:2000]
        r = client.post("/api/actions/", _api_data(w, case, f"api-{i}"), content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["decision"] == ("allow" if r.json()["allowed"] else "deny")
    csv_text = HEADER + "".join(_csv_row(case, f"csv-{i}") for i, case in enumerate(CASES))
    r = client.post(reverse("operations:upload"), {"file": _upload(csv_text)})
    assert r.status_code == 200 and "4 recorded" in r.content.decode()
    seen_allowed = set()
    for i in range(len(CASES)):
        rows = {p: Action.objects.get(reference__external_ref=f"{p}-{i}") for p in ("form", "api", "csv")}
        assert _stored(rows["form"]) == _stored(rows["api"]) == _stored(rows["csv"])
        assert all(r.recorded_by == w["coord_a"] for r in rows.values())
        seen_allowed.add(rows["form"].allowed)
    assert seen_allowed == {True, False}  # the cases cover both decisions
    # Every denied action was flagged and queued for a supervisor; the JEM detainers too (documents).
    denied = Action.objects.filter(allowed=False)
    assert denied.count() == 6 and all(a.flagged_for_review for a in denied)
    assert set(ReviewItem.objects.filter(action__in=denied).values_list("reason", flat=True)) == {"denied"}
    assert ReviewItem.objects.filter(action__function="issue_detainer", reason="document").count() == 3


def _upload(text, name="batch.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_form_shows_the_decision_with_reasons_and_deadlines(client, world):
    w = world
    sign_in(client, w["coord_a"])
    r = client.post(reverse("operations:action-new"), _form_data(w, CASES[0], "d-1"), follow=True)
    page = r.content.decode()
    assert "Allowed" in page and "Notify ICE of the detainer within 24 hours." in page and "2025-05-02 09:30" in page
    r = client.post(reverse("operations:action-new"), _form_data(w, CASES[1], "d-2"), follow=True)
    page = r.content.decode()
    assert "Not allowed" in page and "FUNCTION_NOT_DELEGATED" in page
    r = client.get(reverse("operations:flagged"))
    assert "not allowed" in r.content.decode() and "FUNCTION_NOT_DELEGATED" in r.content.decode()


def test_csv_errors_name_line_and_field_and_write_nothing(world):
    w = world
    before = (Action.objects.count(), AuditEvent.objects.count())
    text = (HEADER + _csv_row(CASES[0], "r-1")
            + _csv_row(CASES[0], "r-2").replace("issue_detainer", "deport")
            + _csv_row(CASES[0], "r-3", officer="B-1")
            + _csv_row(CASES[0], "r-4").replace(",2025-05-01,", ",05/01/2025,")
            + _csv_row(CASES[0], "r-5").replace(",yes,pending", ",maybe,pending")
            + _csv_row(CASES[0], "r-1"))
    with pytest.raises(UploadRejected) as exc:
        import_actions(w["coord_a"], w["a"], text, "bad.csv")
    got = {(e.line, e.field) for e in exc.value.errors}
    assert got == {(3, "function"), (4, "officer"), (5, "date"), (6, "in_lea_custody"), (7, "external_ref")}
    assert "bad.csv" in str(exc.value) and "line 3, function" in str(exc.value)
    assert (Action.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(UploadRejected) as exc:
        import_actions(w["coord_a"], w["a"], HEADER.replace("usc_claim", "usc"), "h.csv")
    assert {(e.line, e.field) for e in exc.value.errors} == {(1, "usc")}


def test_a_row_the_services_refuse_rolls_back_the_whole_upload(world):
    w = world
    w["ma"].template_version = ""
    w["ma"].save()
    good_b = f.agreement(w["a"], model="TFM", template="2025", key="a-so-tfm")
    f.officer(w["a"], "A-2", model="TFM", authorize=good_b)
    text = HEADER + _csv_row(CASES[0], "ok-1", officer="A-2", agreement="TFM") + _csv_row(CASES[0], "bad-2")
    with pytest.raises(UploadRejected) as exc:
        import_actions(w["coord_a"], w["a"], text, "x.csv")
    assert [(e.line, e.field) for e in exc.value.errors] == [(3, "agreement")]
    assert not Action.objects.exists() and not ActionReference.objects.exists()


def test_csv_upload_is_idempotent_and_refuses_a_reused_reference(world):
    w = world
    text = HEADER + "".join(_csv_row(case, f"x-{i}") for i, case in enumerate(CASES))
    first = import_actions(w["coord_a"], w["a"], text, "b.csv")
    assert (first.created, first.unchanged, first.denied) == (4, 0, 2)
    n_actions, n_events = Action.objects.count(), AuditEvent.objects.count()
    again = import_actions(w["coord_a"], w["a"], text, "b.csv")
    assert (again.created, again.unchanged) == (0, 4) and again.action_ids == first.action_ids
    assert (Action.objects.count(), AuditEvent.objects.count()) == (n_actions, n_events)
    changed = HEADER + _csv_row(CASES[0], "x-0").replace("09:30", "09:45")
    with pytest.raises(UploadRejected) as exc:
        import_actions(w["coord_a"], w["a"], changed, "c.csv")
    assert [(e.line, e.field) for e in exc.value.errors] == [(2, "external_ref")]
    assert "other facts (at)" in exc.value.errors[0].message


def test_a_coordinator_records_and_sees_only_their_own_agency(client, world):
    w = world
    sign_in(client, w["coord_a"])
    # Form: agency B's officer and agreement are not offered, and posting them is refused by the form.
    r = client.get(reverse("operations:action-new"))
    assert "A-1" in r.content.decode() and "B-1" not in r.content.decode()
    r = client.post(reverse("operations:action-new"), _form_data(w, CASES[0], "f-b", w["ob"], w["mb"]))
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    # API: 403 naming the other agency.
    r = client.post("/api/actions/", _api_data(w, CASES[0], "api-b", w["ob"], w["mb"]), content_type="application/json")
    assert r.status_code == 403 and "another agency" in r.json()["detail"]
    # CSV: agency B's officer reference is not found in agency A.
    with pytest.raises(UploadRejected) as exc:
        import_actions(w["coord_a"], w["a"], HEADER + _csv_row(CASES[0], "c-b", officer="B-1"), "b.csv")
    assert exc.value.errors[0].field == "officer"
    assert not Action.objects.exists()
    # Agency B's actions are invisible to A's coordinator in pages and API.
    from g287.operations.services import record_reported, ActionInput
    from datetime import datetime

    b_action = record_reported(None, w["ob"], w["mb"], ActionInput("interview", datetime(2025, 5, 1, 9))).action
    assert client.get(reverse("operations:action-detail", args=[b_action.pk])).status_code == 404
    assert client.get(f"/api/actions/{b_action.pk}/").status_code == 404
    assert client.get("/api/actions/").json()["count"] == 0
    assert "b-so" not in client.get(reverse("operations:deadlines")).content.decode()


def test_an_officer_records_only_for_themselves(client, world):
    w = world
    other = f.officer(w["a"], "A-9", authorize=w["ma"])
    u = User.objects.create_user("dio", password="x-unused-12345", role=Role.OFFICER, agency=w["a"])
    OfficerAccount.objects.create(user=u, officer=w["oa"])
    sign_in(client, u)
    r = client.post("/api/actions/", _api_data(w, CASES[0], "o-1", other), content_type="application/json")
    assert r.status_code == 403 and "only their own" in r.json()["detail"]
    r = client.post("/api/actions/", _api_data(w, CASES[0], "o-2"), content_type="application/json")
    assert r.status_code == 201
    assert client.get("/api/actions/").json()["count"] == 1


def test_staff_and_readers_cannot_record(client, world):
    reader = User.objects.create_user("reader", password="x-unused-12345", role=Role.OVERSIGHT)
    sign_in(client, reader)
    assert client.get(reverse("operations:action-new")).status_code == 403
    r = client.post("/api/actions/", _api_data(world, CASES[0], "r-1"), content_type="application/json")
    assert r.status_code == 403
    assert client.get("/api/actions/").json()["count"] == 0
    client.logout()
    assert client.post("/api/actions/", _api_data(world, CASES[0], "r-2"),
                       content_type="application/json").status_code in (401, 403)


def test_api_validation_names_the_field(client, world):
    sign_in(client, world["coord_a"])
    bad = _api_data(world, CASES[0], "v-1") | {"function": "deport", "at": "tomorrow"}
    r = client.post("/api/actions/", bad, content_type="application/json")
    assert r.status_code == 400 and set(r.json()) == {"function", "at"}
    r = client.post("/api/actions/", _api_data(world, CASES[0], "v-2"), content_type="application/json")
    again = client.post("/api/actions/", _api_data(world, CASES[0], "v-2"), content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert client.get("/api/ping/").json() == {"ok": True}


def test_the_date_of_a_case_is_decided_in_the_agencys_zone(world):
    # The same CSV local time is stored as the agency's local wall time and the matching instant.
    res = import_actions(None, world["a"], HEADER + _csv_row(CASES[0], "z-1"), "z.csv")
    a = Action.objects.get(pk=res.action_ids[0])
    assert a.local_date == date(2025, 5, 1) and a.at.hour == 13
