"""The program office curates the lineage through the real pages: signs in with the one-time code, opens the
lineage page from the program's navigation, rejects a declined pair with a reason and sees the decision with who,
when and why; and a reader sees which ICE list the portal reflects, with the warning when it is old."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from g287.accounts.models import Role, User
from g287.registry.models import LineageDecision, Publication
from tests.browser.test_journeys import PASSWORD, h1, sign_in
from tests.browser.test_portal_a11y import serious_violations
from tests.registry.test_curation import import_candidates

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_program_office_rejects_a_declined_pair_with_its_reason(page, tmp_path, screenshot):
    declined, _merged = import_candidates(tmp_path)
    po = User.objects.create_user("po.curator", password=PASSWORD, role=Role.PROGRAM_OFFICE)
    device = TOTPDevice.objects.create(user=po, name="phone", confirmed=True)

    page.goto_path("/")
    sign_in(page, "po.curator", device)
    page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name="Program").click()
    page.get_by_role("link", name="Lineage curation").click()
    expect(h1(page)).to_have_text("Lineage curation")
    row = page.locator(f"#candidate-{declined.pk}")
    expect(row).to_contain_text(declined.old_identity)
    expect(row.get_by_test_id("decision")).to_have_text("—")
    assert serious_violations(page) == []
    row.locator("label", has_text="Rejected: different agreements").click()  # USWDS styles the label, not the input
    row.get_by_label("Reason").fill("Cocoa and Cocoa Beach are two departments.")
    screenshot("decide")
    row.get_by_role("button", name="Decide").click()

    expect(page.get_by_text("The lineage was recomputed.")).to_be_visible()
    # The lineage was recomputed, so the pair's row has a new number: find it by the two rows' identities.
    pair = page.locator(f'[data-pair="{declined.old_identity} {declined.new_identity}"]')
    expect(pair).to_have_count(1)
    decided = pair.get_by_test_id("decision")
    expect(decided).to_contain_text("Rejected: different agreements")
    expect(decided).to_contain_text("by po.curator")
    expect(decided).to_contain_text("Cocoa and Cocoa Beach are two departments.")
    page.get_by_role("link", name="Every decision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("po.curator")
    screenshot("decided")
    stored = LineageDecision.objects.get()
    assert (stored.decision, stored.by.username) == ("reject", "po.curator")


def test_a_reader_sees_which_list_the_portal_reflects_and_that_it_is_old(page):
    old = timezone.localdate() - timedelta(days=20)
    Publication.objects.create(kind="participating", file_name="participatingAgencies-old.xlsx", sha256="e" * 64,
                               published=old, rows=1, placed=True)
    page.goto_path("/portal/")
    notice = page.get_by_test_id("reflects")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Out of date:")
    expect(notice).to_contain_text("20 days earlier")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.get_by_test_id("reflects")).to_contain_text("Desactualizado:")
