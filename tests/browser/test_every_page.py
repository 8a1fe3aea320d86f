"""Every page, as each role sees it: no sideways scrolling on a 390 px phone, and no serious or critical
accessibility violation (axe-core) at 1280 px, signed in too.

The pages are reached by signing in through the real form (``test_journeys.sign_in``) in a phone-sized and a
desktop-sized browser (``open_page``); the axe check is the portal's (``test_portal_a11y.serious_violations``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from g287.accounts.models import Role
from g287.operations.models import OfficerAccount
from g287.oversight.models import Inspection, Sanction
from g287.oversight import services as os_
from g287.personnel import services as personnel
from g287.program import services as ps
from tests.browser.test_journeys import _detainer, build_world, local_now, person, sign_in, staff
from tests.browser.test_portal_a11y import serious_violations
from tests.browser.test_roles import field_office_user
from tests.web.registry_data import build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What overflows the viewport: the widest elements whose right edge passes it.
OVERFLOW = """() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  const out = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
               + ' right=' + Math.round(r.right));
    }
  }
  return out.slice(0, 4);
}"""


# Header parts that overlap one another (the logo, each navigation item, the language switcher).
OVERLAP = """() => {
  const parts = [...document.querySelectorAll('.usa-logo, .usa-nav__primary > li, .g287-language')]
    .filter(el => el.offsetParent !== null);
  const out = [];
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
    const a = parts[i].getBoundingClientRect(), b = parts[j].getBoundingClientRect();
    const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (x > 1 && y > 1) out.push(parts[i].textContent.trim().slice(0, 20) + ' / ' + parts[j].textContent.trim().slice(0, 20));
  }
  const w = document.documentElement;
  if (w.scrollWidth > w.clientWidth) out.push('page wider than the window: ' + w.scrollWidth);
  return out;
}"""


def _world():
    build_registry()
    w = build_world()
    today = timezone.localdate()
    coord = person("coord.lakeview", Role.LEA_COORDINATOR, w.a)
    action = _detainer(coord, w.officer_a, w.agreement_a, "BK-26-09001", local_now(w.a) - timedelta(hours=3))
    complaint = os_.receive_complaint(coord, w.a, local_now(w.a) - timedelta(hours=2), allegation="conduct",
                                      summary="Questioned without an interpreter.")
    inspection = os_.record_inspection(None, w.a, Inspection.Kind.INSPECTION, today - timedelta(days=20),
                                       summary="Biennial inspection.")
    finding = os_.add_finding(None, inspection, severity="minor", clause="Article IX", description="Late notice.")
    os_.add_corrective_action(None, finding, description="Train the night shift.", due=today + timedelta(days=30))
    second = personnel.nominate_officer(None, w.a, "A-18", background_check="approved", lea_experience_years=3)
    sanction = os_.propose(None, Sanction.Kind.SUSPEND_OFFICER, Sanction.Reason.MISCONDUCT, agency=w.a,
                           officer=second, details="Complaint sustained.")
    application = ps.create_application(None, w.a, "WSO", today - timedelta(days=10))
    OfficerAccount.objects.create(user=person("dio.a17", Role.OFFICER, w.a), officer=w.officer_a)
    person("gao.reader", Role.OVERSIGHT)
    _, sup_device = staff("sup.lakeview", Role.SUPERVISOR, w.a)
    _, fod_device = field_office_user("fod.chicago", w.a.state)
    prog = person("prog.office", Role.PROGRAM_OFFICE)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    prog_device = TOTPDevice.objects.create(user=prog, name="phone", confirmed=True)
    ids = {"agency": w.a.pk, "agreement": w.agreement_a.pk, "officer": w.officer_a.pk, "action": action.pk,
           "complaint": complaint.pk, "inspection": inspection.pk, "sanction": sanction.pk,
           "application": application.pk}
    people = {"coord.lakeview": None, "dio.a17": None, "gao.reader": None, "sup.lakeview": sup_device,
              "fod.chicago": fod_device, "prog.office": prog_device}
    return ids, people


PUBLIC = ["/", "/agencies/", "/agencies/{agency}/", "/agreements/", "/agreements/{agreement}/", "/publications/",
          "/portal/", "/portal/trends/", "/portal/measures/", "/complaints/", "/accounts/login/"]
SIGNED_IN = {
    "coord.lakeview": ["/today/", "/officers/", "/officers/{officer}/", "/officers/nominate/", "/actions/",
                       "/actions/new/", "/actions/{action}/", "/actions/deadlines/", "/oversight/",
                       "/oversight/reviews/", "/oversight/complaints/", "/oversight/complaints/{complaint}/",
                       "/oversight/inspections/", "/oversight/inspections/{inspection}/", "/program/"],
    "dio.a17": ["/today/", "/actions/", "/actions/{action}/"],
    "gao.reader": ["/today/"],
    "sup.lakeview": ["/today/", "/oversight/reviews/", "/officers/{officer}/", "/actions/{action}/"],
    "fod.chicago": ["/today/", "/officers/", "/officers/{officer}/", "/oversight/sanctions/",
                    "/oversight/sanctions/{sanction}/", "/oversight/agencies/{agency}/sanctions/"],
    "prog.office": ["/today/", "/program/", "/program/applications/", "/program/applications/{application}/",
                    "/program/targets/", "/program/capacity/", "/program/funding/"],
}


def _visit_all(open_page, width: int, check) -> dict:
    ids, people = _world()
    found = {}

    def run(p, who, paths):
        for path in paths:
            url = path.format(**ids)
            resp = p.goto_path(url)
            assert resp.status < 400, (who, url, resp.status)
            problems = check(p)
            if problems:
                found[f"{who} {url}"] = problems

    p = open_page(width=width)
    run(p, "public", [path for path in PUBLIC])
    p.context.add_cookies([{"name": "django_language", "value": "es", "url": p.goto_path("/").url}])
    run(p, "público", [path for path in PUBLIC])
    for who, paths in SIGNED_IN.items():
        p = open_page(width=width)
        p.goto_path("/")
        if width < 1024:
            p.get_by_role("button", name="Menu").click()
        sign_in(p, who, people[who])
        run(p, who, paths)
    return found


def test_no_page_scrolls_sideways_at_390_px(open_page):
    found = _visit_all(open_page, 390, lambda p: p.evaluate(OVERFLOW))
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_no_serious_accessibility_violation_nor_overlap_at_1280_px(open_page):
    found = _visit_all(open_page, 1280, lambda p: p.evaluate(OVERLAP) + serious_violations(p))
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
