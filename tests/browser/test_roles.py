"""Every role's journey, in Chromium through the real pages: a coordinator nominates an officer whom ICE then
authorizes and who then records an allowed action; a supervisor opens an action from the queue and signs it; the
public page of an agreement suspended that day; each role's home page. The helpers and fixtures are the journeys'
(``tests.browser.test_journeys``, ``conftest``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from g287.accounts.models import Role
from g287.operations.models import Action, OfficerAccount
from g287.oversight.models import ReviewItem
from g287.personnel import services as personnel
from g287.personnel.models import Officer
from g287.registry.field_offices import load_field_offices
from g287.registry.models import FieldOffice
from tests.browser.test_journeys import (
    _detainer, build_world, h1, local_now, person, primary_nav, sign_in, staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field_office_user(username: str, state: str):
    if not FieldOffice.objects.exists():
        load_field_offices()
    office = next(fo for fo in FieldOffice.objects.all() if state in (fo.states or []))
    user = person(username, Role.FIELD_OFFICE)
    user.field_office = office
    user.save(update_fields=["field_office"])
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_coordinator_nominates_ice_authorizes_and_the_officer_acts(page, open_page, shot):
    w = build_world()
    today = timezone.localdate()
    person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    _, fod_device = field_office_user("fod.chicago", w.a.state)

    # The coordinator nominates the officer and records the course and its two exams.
    page.goto_path("/")
    sign_in(page, "coord.lakeview")
    expect(h1(page)).to_contain_text("Today")  # signing in leads to the role's home
    primary_nav(page).get_by_role("link", name="Officers").click()
    expect(h1(page)).to_have_text("Officers")
    page.get_by_test_id("nominate").click()
    form = page.get_by_test_id("nomination-form")
    form.get_by_label("Badge or personnel reference").fill("L-21")
    form.get_by_label("Years of law enforcement experience").fill("5")
    form.get_by_label("Nomination date").fill((today - timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Nominate").click()
    expect(h1(page)).to_have_text("Officer L-21")
    expect(page.get_by_test_id("certified")).to_contain_text("no model yet")
    training = page.get_by_test_id("training-form")
    training.get_by_label("Course", exact=True).select_option(label="Basic (initial) course")
    training.get_by_label("Model of the course").select_option("JEM")
    training.get_by_label("Completed on").fill((today - timedelta(days=3)).isoformat())
    training.get_by_label("Exam scores, in the order taken").fill("64, 1O1")  # a typo: the letter O
    training.get_by_role("button", name="Record the training").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("“1O1” is not a whole number")
    expect(page.get_by_label("Exam scores, in the order taken")).to_have_value("64, 1O1")  # kept as typed
    page.get_by_label("Exam scores, in the order taken").fill("64, 81")
    page.get_by_role("button", name="Record the training").click()
    expect(page.get_by_text("Training recorded.")).to_be_visible()
    expect(page.get_by_test_id("certified")).to_have_text("JEM")
    expect(page.get_by_test_id("standings")).to_contain_text("held no authorization in force")
    shot(page, "1-nominated")

    # ICE's field office certifies the background check and authorizes the officer under the JEM agreement.
    fod = open_page()
    fod.goto_path("/")
    sign_in(fod, "fod.chicago", fod_device)
    primary_nav(fod).get_by_role("link", name="Officers").click()
    fod.get_by_test_id("officers").get_by_role("link", name="L-21").click()
    expect(h1(fod)).to_have_text("Officer L-21")
    elig = fod.get_by_test_id("eligibility-form")
    elig.get_by_label("ICE background check").select_option("approved")
    elig.get_by_role("button", name="Record eligibility").click()
    expect(fod.get_by_text("Eligibility recorded.")).to_be_visible()
    auth = fod.get_by_test_id("authorization-form")
    auth.get_by_label("Agreement").select_option(label="Jail Enforcement Model signed 2025-03-03 (MOA 2025)")
    auth.get_by_label("Authorized from").fill(today.isoformat())
    auth.get_by_role("button", name="Authorize").click()
    expect(fod.get_by_text("Authorization recorded.")).to_be_visible()
    standing = fod.get_by_test_id("standings").locator("tbody tr").first
    expect(standing).to_contain_text("Yes")
    shot(fod, "2-authorized")

    # The officer's sign-in (made by the agency's administrator), then an allowed detainer.
    officer = Officer.objects.get(reference="L-21")
    OfficerAccount.objects.create(user=person("dio.l21", Role.OFFICER, w.a), officer=officer)
    dio = open_page()
    dio.goto_path("/")
    sign_in(dio, "dio.l21")
    expect(dio.get_by_test_id("own-standing")).to_contain_text("Yes")
    expect(dio.get_by_test_id("lapses")).to_contain_text((today - timedelta(days=3)).replace(
        year=today.year + 2).isoformat())
    dio.get_by_role("link", name="Record an action").click()
    issued = local_now(w.a) - timedelta(hours=1)
    form = dio.get_by_test_id("action-form")
    form.get_by_label("Officer", exact=True).select_option(label="Officer L-21")  # their own, the only one
    form.get_by_label("Agreement", exact=True).select_option(label="Jail Enforcement Model signed 2025-03-03 (MOA 2025)")
    form.get_by_label("Function performed").select_option(label="issue detainer")
    form.get_by_label("Local date").fill(issued.strftime("%Y-%m-%d"))
    form.get_by_label("Local time").fill(issued.strftime("%H:%M"))
    form.get_by_label("Where", exact=True).select_option(label="Inside the agency's jail or correctional facility")
    form.get_by_label("Subject reference").fill("BK-26-07781")
    form.get_by_label("Criminal charge status").select_option("pending")
    form.get_by_label("Most serious charge").select_option("felony")
    form.get_by_role("button", name="Record the action").click()
    expect(h1(dio)).to_have_text("Issue detainer by officer L-21")
    expect(dio.get_by_test_id("decision")).to_contain_text("Allowed")
    shot(dio, "3-allowed")
    assert Action.objects.get(subject_ref="BK-26-07781").allowed


def test_supervisor_opens_the_action_from_the_queue_and_signs_it(page, shot):
    w = build_world()
    coord = person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    _, device = staff("sup.lakeview", Role.SUPERVISOR, w.a)
    action = _detainer(coord, w.officer_a, w.agreement_a, "BK-26-05512", local_now(w.a) - timedelta(hours=3))

    page.goto_path("/")
    sign_in(page, "sup.lakeview", device)
    expect(page.get_by_test_id("tasks")).to_contain_text("Documents waiting for your signature")
    primary_nav(page).get_by_role("link", name="Oversight").click()
    page.get_by_role("link", name="Open the review queue").click()
    row = page.get_by_test_id("review-queue").locator("tbody tr").filter(has_text="BK-26-05512")
    expect(row).to_contain_text("Every document of this model is signed")
    expect(row.locator("textarea")).not_to_be_visible()  # folded under "Return…"
    shot(page, "1-queue")
    row.get_by_test_id("open-action").click()
    expect(h1(page)).to_have_text("Issue detainer by officer A-17")
    expect(page.get_by_test_id("review-reason")).to_have_text("Every document of this model is signed")
    expect(page.get_by_test_id("decision")).to_contain_text("Allowed")
    expect(page.get_by_test_id("obligations")).to_contain_text("NOTIFY_ICE_OF_DETAINER")
    page.get_by_test_id("sign-here").click()
    expect(page.get_by_text("Signed.", exact=True)).to_be_visible()
    expect(page.get_by_test_id("review")).to_contain_text("Supervisor review: signed")
    shot(page, "2-signed")
    assert ReviewItem.objects.get(action=action).decision == "signed"


def test_public_page_of_an_agreement_suspended_today(page, shot):
    w = build_world()
    personnel.record_agreement_notice(None, w.agreement_a, kind="suspension", by="ICE",
                                      notice=timezone.localdate(), note="Noncompliance with the MOA.")
    page.goto_path(f"/agreements/{w.agreement_a.pk}/")
    status = page.locator("main [data-status]").first
    expect(status).to_have_attribute("data-status", "suspended")
    expect(status).to_have_text("Suspended")
    shot(page, "1-suspended")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.locator("main [data-status]").first).to_have_text("Suspendido")
    # The agency's page and the list filtered by status say the same.
    page.goto_path(f"/agreements/?status=suspended")
    expect(page.locator("main")).to_contain_text(w.a.name)
    expect(page.locator("main")).not_to_contain_text(w.b.name)


def test_oversight_reader_home_has_measures_and_exports_never_records(page):
    w = build_world()
    person("gao.reader", Role.OVERSIGHT)
    page.goto_path("/")
    sign_in(page, "gao.reader")
    expect(page.get_by_test_id("oversight-measures")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(w.a.name)
    with page.expect_download() as download:
        page.get_by_test_id("exports").get_by_role("link", name="Measures by state").click()
    assert re.match(r"measures_state-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    response = page.goto_path("/oversight/")
    assert response.status == 200 and page.url.endswith("/today/")


DESCRIBED_BY_MISSING = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
  el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
    .map(id => (el.id || el.name) + ' → #' + id))"""


def test_complaint_form_chooses_nothing_for_the_reader_and_shows_errors_with_focus(page, open_page):
    w = build_world()
    page.goto_path("/complaints/")
    expect(page.get_by_label("What is the complaint about?")).to_have_value("")  # nothing preselected
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    page.get_by_label("What happened?").fill("They asked about my papers at a traffic stop.")
    page.get_by_role("button", name="Send the complaint").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("What is the complaint about?")
    expect(page.get_by_label("What happened?")).to_have_value("They asked about my papers at a traffic stop.")
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    # Filed in Spanish, staff see the language and the agency's local time.
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    page.get_by_role("combobox", name="¿Qué agencia estuvo involucrada?").fill("Lakeview")
    page.get_by_role("option", name="Lakeview County Sheriff's Office (IN)").click()
    page.get_by_label("¿De qué trata la queja?").select_option("conduct")
    page.get_by_label("¿Qué pasó?").fill("Me preguntaron por mis papeles en un control de tráfico.")
    page.get_by_label("¿Cuándo pasó?").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("¿Dónde pasó?").fill("Calle Principal")
    page.get_by_role("button", name="Enviar la queja").click()
    receipt = page.get_by_test_id("receipt").inner_text()
    person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    staff_page = open_page()
    staff_page.goto_path("/")
    sign_in(staff_page, "coord.lakeview")
    staff_page.goto_path("/oversight/complaints/")
    staff_page.get_by_role("link", name=receipt).click()
    expect(staff_page.get_by_test_id("language")).to_have_text("Español")
    expect(staff_page.get_by_test_id("received")).to_contain_text("(the agency's local time)")
    expect(staff_page.get_by_test_id("received")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
