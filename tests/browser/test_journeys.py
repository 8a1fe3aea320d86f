"""The main journeys of operations and oversight, each driven through the real pages as a person would:
the real sign-in form (password, then the one-time code for ICE staff), links, buttons and labelled fields.

1. An LEA coordinator records a detainer and sees its 24-hour deadline; 2. the agency's field supervisor signs
it; 3. an inspector records a finding on an inspection of the agency; 4. a member of the public files a
complaint in Spanish and gets a receipt; 5. a coordinator of one agency sees nothing of another agency's.

Journeys 1 and 2 are one test: the supervisor signs the very detainer the coordinator recorded. Dates are
relative to today (the detainer two hours old, so its deadline is still open), so the engine decides them on
the current training and authorization, as it would in use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from g287.accounts.models import Assignment, Role, User
from g287.registry.localtime import zone_for
from g287.operations.models import Action
from g287.operations.services import ActionInput, record_reported
from g287.oversight.models import Complaint, Finding, Inspection, ReviewItem
from g287.oversight.services.complaints import receive_complaint
from g287.personnel import services as personnel
from g287.registry.models import Agency, Agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password-287"
DETAINER_MESSAGE = "Notify ICE of the detainer within 24 hours."


# --- the facts: two agencies with a JEM agreement each and a trained, authorized officer ----------------------

@dataclass
class World:
    a: Agency
    b: Agency
    agreement_a: Agreement
    agreement_b: Agreement
    officer_a: object
    officer_b: object


def _agency(key: str, name: str, state: str, county: str) -> tuple[Agency, Agreement]:
    agency = Agency.objects.create(key=key, name=name, state=state, ice_type="County", county=county)
    agreement = Agreement.objects.create(key=f"{key}-jem", agency=agency, model="JEM", template_version="2025",
                                         template_inferred=False, signed=date(2025, 3, 3))
    return agency, agreement


def _officer(agency: Agency, agreement: Agreement, reference: str):
    today = timezone.localdate()
    officer = personnel.nominate_officer(None, agency, reference, background_check="approved",
                                         lea_experience_years=6, nominated=today - timedelta(days=120))
    personnel.record_training(None, officer, course="basic", model="JEM", completed=today - timedelta(days=90),
                              exams=[84])
    personnel.grant_authorization(None, officer, agreement, today - timedelta(days=60))
    return officer


def build_world() -> World:
    a, agreement_a = _agency("lakeview-so-in", "Lakeview County Sheriff's Office", "IN", "Lakeview")
    b, agreement_b = _agency("pecos-valley-so-tx", "Pecos Valley County Sheriff's Office", "TX", "Pecos Valley")
    return World(a, b, agreement_a, agreement_b, _officer(a, agreement_a, "A-17"), _officer(b, agreement_b, "B-4"))


def person(username: str, role: str, agency: Agency | None = None) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, agency=agency)


def staff(username: str, role: str, assigned_to: Agency) -> tuple[User, TOTPDevice]:
    """An ICE supervisor or inspector assigned to one agency, with a confirmed authenticator."""
    user = person(username, role)
    kind = Assignment.Kind.SUPERVISION if role == Role.SUPERVISOR else Assignment.Kind.INSPECTION
    Assignment.objects.create(user=user, agency=assigned_to, kind=kind,
                              start=timezone.localdate() - timedelta(days=365))
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """What the person's authenticator app shows right now."""
    device.refresh_from_db()
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(device.digits)


def local_now(agency: Agency) -> datetime:
    return timezone.now().astimezone(zone_for(agency.state)).replace(tzinfo=None, second=0, microsecond=0)


# --- browser helpers --------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def fresh_cache():
    """The public form's rate limit counts in the cache: start each journey from an empty one."""
    cache.clear()
    yield
    cache.clear()


def h1(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, username: str, device: TOTPDevice | None = None) -> None:
    """Through the header's sign-in link and the real form; staff then give the authenticator's code."""
    page.get_by_test_id("sign-in").click()
    expect(h1(page)).to_have_text("Sign in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(h1(page)).to_have_text("Enter your one-time code")
        page.get_by_label("Six-digit code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("sign-out")).to_contain_text(f"Sign out ({username})")


def primary_nav(page):
    return page.get_by_role("navigation", name="Primary navigation")


# --- 1 and 2: a detainer recorded by the agency, its deadline, and the supervisor's signature --------------

def test_coordinator_records_a_detainer_and_the_supervisor_signs_it(page, open_page, shot):
    w = build_world()
    person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    _, device = staff("sup.lakeview", Role.SUPERVISOR, w.a)
    issued = local_now(w.a) - timedelta(hours=2)  # booked this morning, the detainer issued two hours ago
    due = issued + timedelta(hours=24)

    # 1. The coordinator signs in and reports the detainer.
    page.goto_path("/")
    sign_in(page, "coord.lakeview")
    primary_nav(page).get_by_role("link", name="Actions and deadlines").click()
    expect(h1(page)).to_have_text("Actions")
    page.get_by_test_id("record-action").click()
    expect(h1(page)).to_have_text("Record an action")
    form = page.get_by_test_id("action-form")
    form.get_by_label("Officer", exact=True).select_option(label="Officer A-17")
    form.get_by_label("Agreement", exact=True).select_option(
        label="Jail Enforcement Model signed 2025-03-03 (MOA 2025)")
    form.get_by_label("Function performed").select_option(label="issue detainer")
    form.get_by_label("Local date").fill(issued.strftime("%Y-%m-%d"))
    form.get_by_label("Local time").fill(issued.strftime("%H:%M"))
    form.get_by_label("Where", exact=True).select_option(label="Inside the agency's jail or correctional facility")
    form.get_by_label("Subject reference").fill("BK-26-04417")
    expect(form.get_by_label("The subject was in the agency's custody")).to_be_checked()
    form.get_by_label("Criminal charge status").select_option("pending")
    form.get_by_label("Most serious charge").select_option("felony")
    shot(page, "1-form")
    form.get_by_role("button", name="Record the action").click()

    expect(h1(page)).to_have_text("Issue detainer by officer A-17")
    expect(page.get_by_text("The action was recorded.")).to_be_visible()
    expect(page.get_by_test_id("decision")).to_contain_text("Allowed")
    obligation = page.get_by_test_id("obligations").locator("tbody tr")
    expect(obligation).to_have_count(1)
    expect(obligation).to_contain_text(DETAINER_MESSAGE)
    expect(obligation).to_contain_text("NOTIFY_ICE_OF_DETAINER")
    expect(obligation.locator("td").nth(1)).to_have_text(due.strftime("%Y-%m-%d %H:%M"))
    expect(obligation.locator("td").nth(2)).to_contain_text("due in")
    shot(page, "1-recorded")
    action_url = page.url

    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Deadlines").click()
    expect(h1(page)).to_have_text("Deadlines")
    rows = page.get_by_test_id("deadlines").locator("tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text(due.strftime("%Y-%m-%d %H:%M"))
    expect(cells.nth(1)).to_have_text(DETAINER_MESSAGE)
    expect(cells.nth(2)).to_have_text("issue detainer by officer A-17")
    expect(cells.nth(3)).to_have_text("Lakeview County Sheriff's Office")
    expect(cells.nth(4)).to_have_text("open")
    expect(page.get_by_test_id("overdue-count")).to_contain_text("0 overdue")
    shot(page, "1-deadlines")
    # A day and a bit later, the same list shows the deadline missed (the filter takes the server's local time).
    later = timezone.localtime(due.replace(tzinfo=zone_for(w.a.state)) + timedelta(hours=1))
    page.get_by_label("As of (date and time)").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Show").click()
    expect(rows.first.locator("td").nth(4)).to_have_text("overdue")
    expect(page.get_by_test_id("overdue-count")).to_contain_text("1 overdue")

    # 2. The agency's field supervisor signs in (password, then the authenticator's code) and signs it.
    sup = open_page()
    sup.goto_path("/")
    sign_in(sup, "sup.lakeview", device)
    primary_nav(sup).get_by_role("link", name="Oversight").click()
    expect(h1(sup)).to_have_text("Oversight")
    expect(sup.get_by_test_id("pending-reviews")).to_have_text("1")
    sup.get_by_role("link", name="Open the review queue").click()
    expect(h1(sup)).to_have_text("Review queue")
    item = sup.get_by_test_id("review-queue").locator("tbody tr").filter(has_text="BK-26-04417")
    expect(item).to_contain_text("Lakeview County Sheriff's Office (JEM)")
    expect(item).to_contain_text("A-17")
    shot(sup, "2-queue")
    item.get_by_role("button", name="Sign").click()
    expect(sup.get_by_text("Signed.", exact=True)).to_be_visible()
    expect(sup.get_by_test_id("review-queue-empty")).to_have_text("Nothing is waiting for a signature.")
    sup.get_by_role("link", name="Show signed and returned too").click()
    signed = sup.get_by_test_id("review-queue").locator("tbody tr").filter(has_text="BK-26-04417")
    expect(signed.locator("td").last).to_have_text("Signed")
    shot(sup, "2-signed")
    review = ReviewItem.objects.get(action__subject_ref="BK-26-04417")
    assert review.decision == "signed" and review.decided_by.username == "sup.lakeview"

    # The coordinator's page of the action now shows the document signed.
    page.goto(action_url)
    review_line = page.locator("dt", has_text="Supervisor review").locator("xpath=following-sibling::dd[1]")
    expect(review_line).to_contain_text("Signed")
    shot(page, "2-action-signed")


# --- 3: an inspector records a finding on an inspection of the agency ------------------------------------

def test_inspector_records_an_inspection_and_a_finding(page, shot):
    w = build_world()
    _, device = staff("opr.inspector", Role.INSPECTOR, w.a)
    held = timezone.localdate() - timedelta(days=1)

    page.goto_path("/")
    sign_in(page, "opr.inspector", device)
    primary_nav(page).get_by_role("link", name="Oversight").click()
    page.get_by_role("navigation", name="Oversight").get_by_role("link", name="Inspections").click()
    expect(h1(page)).to_have_text("Inspections and meetings")
    page.get_by_role("link", name="Record an inspection or meeting").click()
    # Only the agency the inspector is assigned to is offered.
    agency_choice = page.get_by_label("Agency", exact=True)
    expect(agency_choice.locator("option", has_text="Pecos Valley")).to_have_count(0)
    agency_choice.select_option(label="Lakeview County Sheriff's Office (IN)")
    page.get_by_label("What was held").select_option(label="OPR inspection")
    page.get_by_label("Date held").fill(held.isoformat())
    page.get_by_label("Summary").fill("Biennial inspection: detainer files, training records, complaint log.")
    shot(page, "3-inspection-form")
    page.get_by_role("button", name=re.compile("^Record")).click()

    expect(h1(page)).to_have_text("OPR inspection: Lakeview County Sheriff's Office")
    expect(page.get_by_text("No findings recorded.")).to_be_visible()
    page.get_by_label("Severity").select_option(label="Major")
    page.get_by_label("MOA clause").fill("Article IX, Complaints")
    page.get_by_label("Description").fill("Two complaints received in March were not sent to ICE within 48 hours.")
    page.get_by_role("button", name="Record the finding").click()

    expect(page.get_by_text("Finding recorded.")).to_be_visible()
    finding = page.get_by_role("region", name="Major — Article IX, Complaints")
    expect(finding).to_contain_text("were not sent to ICE within 48 hours")
    shot(page, "3-finding")
    stored = Finding.objects.get()
    assert (stored.severity, stored.clause, stored.inspection.agency_id) == ("major", "Article IX, Complaints", w.a.pk)
    assert stored.inspection.kind == Inspection.Kind.INSPECTION and stored.recorded_by.username == "opr.inspector"


# --- 4: a member of the public files a complaint in Spanish ---------------------------------------------

def test_public_files_a_complaint_in_spanish_and_gets_a_receipt(page, shot):
    w = build_world()
    page.goto_path("/")
    primary_nav(page).get_by_role("link", name="File a complaint").click()
    expect(h1(page)).to_have_text("File a complaint")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(h1(page)).to_have_text("Presentar una queja")
    # The agency is found by typing part of its name in the combo box (U.S. Web Design System).
    page.get_by_role("combobox", name="¿Qué agencia estuvo involucrada?").fill("Lakeview")
    page.get_by_role("option", name="Lakeview County Sheriff's Office (IN)").click()
    page.get_by_label("¿De qué trata la queja?").select_option("language_access")
    page.get_by_label("¿Qué pasó?").fill("En la cárcel me hicieron preguntas sin intérprete y firmé un papel "
                                        "que no entendía.")
    page.get_by_label("¿Cuándo pasó?").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_label("¿Dónde pasó?").fill("La cárcel del condado")
    shot(page, "4-form-es")
    page.get_by_role("button", name="Enviar la queja").click()

    expect(h1(page)).to_have_text("Queja recibida")
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_have_text(re.compile(r"^C-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(page.get_by_text("Su número de recibo:")).to_be_visible()
    shot(page, "4-receipt-es")
    complaint = Complaint.objects.get(receipt=receipt.inner_text())
    assert complaint.agency_id == w.a.pk and complaint.language == "es"
    assert complaint.allegation == "language_access" and complaint.source == "public_form"
    assert complaint.obligations.get().code == "NOTIFY_ICE_OF_COMPLAINT"  # the 48-weekday-hour clock started


# --- 5: a coordinator of agency A sees nothing of agency B --------------------------------------------

def _detainer(coordinator: User, officer, agreement: Agreement, ref: str, at: datetime) -> Action:
    fact = ActionInput(function="issue_detainer", at=at, location="lea_facility", subject_ref=ref,
                       in_lea_custody=True, criminal_charge="pending", charge_level="felony")
    return record_reported(coordinator, officer, agreement, fact, ref).action


def test_coordinator_of_one_agency_sees_nothing_of_another(page, shot):
    w = build_world()
    coord_a = person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    coord_b = person("coord.pecos", Role.LEA_COORDINATOR, w.b)
    own = _detainer(coord_a, w.officer_a, w.agreement_a, "BK-A-1001", local_now(w.a) - timedelta(hours=5))
    theirs = _detainer(coord_b, w.officer_b, w.agreement_b, "BK-B-2002", local_now(w.b) - timedelta(hours=3))
    own_complaint = receive_complaint(coord_a, w.a, local_now(w.a) - timedelta(hours=1), allegation="conduct")
    their_complaint = receive_complaint(coord_b, w.b, local_now(w.b) - timedelta(hours=1), allegation="conduct")
    assert own.allowed and theirs.allowed

    page.goto_path("/")
    sign_in(page, "coord.lakeview")
    primary_nav(page).get_by_role("link", name="Actions and deadlines").click()
    actions = page.get_by_test_id("actions").locator("tbody tr")
    expect(actions).to_have_count(1)
    expect(actions).to_contain_text("Lakeview County Sheriff's Office")
    expect(page.get_by_test_id("actions")).not_to_contain_text("Pecos Valley")
    shot(page, "5-actions")

    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Deadlines").click()
    deadlines = page.get_by_test_id("deadlines")
    expect(deadlines.locator("tbody tr")).to_have_count(2)  # its detainer's and its complaint's
    expect(deadlines).to_contain_text("issue detainer by officer A-17")
    expect(deadlines).to_contain_text(f"complaint {own_complaint.receipt}")
    expect(deadlines).not_to_contain_text("Pecos Valley")
    expect(deadlines).not_to_contain_text(their_complaint.receipt)
    # Only its own agency to filter by, and asking for the other's by its number shows nothing of it.
    expect(page.get_by_label("Agency").locator("option", has_text="Pecos Valley")).to_have_count(0)
    shot(page, "5-deadlines")
    page.goto_path(f"/actions/deadlines/?agency={w.b.pk}")
    expect(h1(page)).to_have_text("Deadlines")
    expect(page.get_by_test_id("deadlines")).to_contain_text("No deadlines to show.")

    page.goto_path("/")
    primary_nav(page).get_by_role("link", name="Oversight").click()
    page.get_by_role("navigation", name="Oversight").get_by_role("link", name="Complaints").click()
    expect(h1(page)).to_have_text("Complaints")
    complaints = page.get_by_test_id("complaints")
    expect(complaints.locator("tbody tr")).to_have_count(1)
    expect(complaints).to_contain_text(own_complaint.receipt)
    expect(complaints).not_to_contain_text(their_complaint.receipt)
    shot(page, "5-complaints")

    # Typing the other agency's addresses gets a refusal, not its data; the own ones open.
    for path in (f"/actions/{theirs.pk}/", f"/oversight/complaints/{their_complaint.pk}/"):
        response = page.goto_path(path)
        assert response.status in (403, 404), (path, response.status)
        body = page.locator("body")
        expect(body).not_to_contain_text("BK-B-2002")
        expect(body).not_to_contain_text(their_complaint.receipt)
        expect(body).not_to_contain_text("Pecos Valley")
    shot(page, "5-refused")
    assert page.goto_path(f"/actions/{own.pk}/").status == 200
    expect(h1(page)).to_have_text("Issue detainer by officer A-17")
    assert page.goto_path(f"/oversight/complaints/{own_complaint.pk}/").status == 200
    expect(page.locator("main")).to_contain_text(own_complaint.receipt)
