"""Curation of the lineage: the service, its rule (program office only, a reason always), its audit event, and
`g287 registry lineage confirm|reject|split`."""

from datetime import date, datetime, timezone
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.registry import services
from g287.registry.choices import AuditAction
from g287.registry.curation import decide
from g287.registry.models import LineageCandidate, LineageDecision

from .sheets import PART_HEADER, part_row, write_sheet

pytestmark = pytest.mark.django_db

TFM = "Task Force Model"
AT = datetime(2025, 7, 1, 14, 30, tzinfo=timezone.utc)


def import_candidates(tmp_path):
    """A merged rename (City of Palm Bay PD → Palm Bay PD) and two declined pairs (Town of Cocoa PD and Cocoa
    Beach PD leave while Cocoa City PD and Cocoa Beach City PD arrive: more than one reading)."""
    first = write_sheet(tmp_path / "a", "participatingAgencies06012025am.xlsx", PART_HEADER, [
        part_row("FLORIDA", "City of Palm Bay Police Department", TFM, date(2025, 4, 1), type_="Municipality"),
        part_row("FLORIDA", "Town of Cocoa Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
        part_row("FLORIDA", "Cocoa Beach Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
    ])
    second = write_sheet(tmp_path / "b", "participatingAgencies06052025pm.xlsx", PART_HEADER, [
        part_row("FLORIDA", "Palm Bay Police Department", TFM, date(2025, 4, 1), type_="Municipality"),
        part_row("FLORIDA", "Cocoa City Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
        part_row("FLORIDA", "Cocoa Beach City Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
    ])
    report = services.import_ice_sheets([first, second], progress=False)
    assert not report.errors, report.errors
    declined = list(services.declined_candidates())
    merged = list(services.lineage_merges())
    assert declined and merged
    return declined[0], merged[0]


def user(role, name=None):
    return User.objects.create_user(name or f"curation-{role}", password="not-used-1234-curation", role=role)


def test_the_program_office_confirms_a_declined_candidate_with_its_reason(tmp_path):
    declined, _merged = import_candidates(tmp_path)
    po = user(Role.PROGRAM_OFFICE)
    events = AuditEvent.objects.count()
    row, counts = decide(po, declined, "confirm", "  The town renamed its department in 2025.  ", at=AT)
    assert isinstance(counts, dict)
    stored = LineageDecision.objects.get()
    assert stored == row and stored.decision == "confirm" and stored.by == po and stored.at == AT
    assert stored.reason == "The town renamed its department in 2025."
    assert (stored.old_identity, stored.new_identity, stored.kind) == (declined.old_identity, declined.new_identity,
                                                                       declined.kind)
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert event.action == AuditAction.LINEAGE_DECISION and event.actor_label == po.username
    assert event.before is None and event.after["decision"] == "confirm"
    assert event.after["candidate"]["lineage_reason"] == declined.reason

    # The recompute applied it: the pair is now one agreement. Deciding again on the same pair (splitting what
    # was confirmed) replaces the decision, and the audit log keeps both.
    again = LineageCandidate.objects.get(old_identity=declined.old_identity, new_identity=declined.new_identity)
    assert again.merged and "confirmed by the program office" in again.reason
    row, _ = decide(po, again, "split", "On a second look: two departments.", at=AT)
    assert LineageDecision.objects.get().decision == "split"
    assert not LineageCandidate.objects.get(old_identity=declined.old_identity,
                                            new_identity=declined.new_identity).merged
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.before["decision"] == "confirm" and last.after["decision"] == "split"


def _pair(c):
    return LineageCandidate.objects.get(old_identity=c.old_identity, new_identity=c.new_identity)


def test_every_recompute_applies_the_decisions(tmp_path):
    from g287.registry import lineage

    from g287.registry.models import Agreement

    declined, merged = import_candidates(tmp_path)
    po = user(Role.PROGRAM_OFFICE)
    agreements = Agreement.objects.count()
    decide(po, declined, "confirm", "The same department, renamed.", at=AT)
    now = _pair(declined)
    assert now.merged and "confirmed by the program office: The same department, renamed." in now.reason
    assert Agreement.objects.count() == agreements - 1
    lineage.recompute()  # and again: the decision holds
    assert _pair(declined).merged and Agreement.objects.count() == agreements - 1

    decide(po, _pair(declined), "split", "No: two departments after all.", at=AT)
    assert not _pair(declined).merged and Agreement.objects.count() == agreements
    decide(po, _pair(merged), "split", "Palm Bay and City of Palm Bay are two agencies.", at=AT)
    assert not _pair(merged).merged and "split by the program office" in _pair(merged).reason


def test_a_merge_can_only_be_split_and_a_declined_pair_never(tmp_path):
    declined, merged = import_candidates(tmp_path)
    po = user(Role.PROGRAM_OFFICE)
    with pytest.raises(ValidationError) as err:
        decide(po, merged, "confirm", "already merged", at=AT)
    assert "can only be split" in err.value.message_dict["decision"][0]
    with pytest.raises(ValidationError) as err:
        decide(po, declined, "split", "nothing to split", at=AT)
    assert "confirm it" in err.value.message_dict["decision"][0]
    row, _ = decide(po, merged, "split", "Palm Bay and City of Palm Bay are two agencies.", at=AT)
    assert row.decision == "split"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required_and_nothing_is_written_without_one(tmp_path, reason):
    declined, _ = import_candidates(tmp_path)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        decide(user(Role.PROGRAM_OFFICE), declined, "reject", reason, at=AT)
    assert "reason is required" in err.value.message_dict["reason"][0]
    assert not LineageDecision.objects.exists() and AuditEvent.objects.count() == events


def test_a_decision_needs_its_time_with_a_zone(tmp_path):
    declined, _ = import_candidates(tmp_path)
    with pytest.raises(ValidationError) as err:
        decide(user(Role.PROGRAM_OFFICE), declined, "reject", "two agencies", at=datetime(2025, 7, 1, 9, 0))
    assert "at" in err.value.message_dict


@pytest.mark.parametrize("role", [Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR, Role.LEA_COORDINATOR,
                                  Role.OFFICER, Role.OVERSIGHT])
def test_only_the_program_office_decides(tmp_path, role):
    declined, _ = import_candidates(tmp_path)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="program office"):
        decide(user(role), declined, "confirm", "looks the same to me", at=AT)
    assert not LineageDecision.objects.exists() and AuditEvent.objects.count() == events


def test_the_command_decides_and_lists_the_decision(tmp_path):
    declined, merged = import_candidates(tmp_path)
    po = user(Role.PROGRAM_OFFICE, "po-curator")
    out = StringIO()
    call_command("registry", "lineage", "reject", str(declined.pk), "--reason", "Two departments.",
                 "--user", "po-curator", stdout=out)
    assert "Rejected" in out.getvalue()
    d = LineageDecision.objects.get()
    assert d.by == po and d.decision == "reject" and d.reason == "Two departments."

    out = StringIO()
    call_command("registry", "lineage", "--declined", stdout=out)  # the existing flags still work
    assert "reject by po-curator" in out.getvalue() and "Two departments." in out.getvalue()

    merged = services.lineage_merges().first()
    call_command("registry", "lineage", "split", str(merged.pk), "--reason", "Not a rename.", stdout=StringIO())
    split = LineageDecision.objects.get(decision="split")
    assert split.by is None  # the system, as for imports
    assert AuditEvent.objects.filter(action=AuditAction.LINEAGE_DECISION, actor_label="system").count() == 1


def test_the_command_refuses_bad_input_by_name(tmp_path):
    declined, _ = import_candidates(tmp_path)
    user(Role.FIELD_OFFICE, "fo-curator")
    cases = [
        (["reject", str(declined.pk)], "--reason: a reason is required"),
        (["reject"], "give the candidate's number"),
        (["reject", "999999", "--reason", "x"], "no candidate #999999"),
        (["reject", str(declined.pk), "--reason", "x", "--user", "nobody-here"], "--user: no user 'nobody-here'"),
        (["reject", str(declined.pk), "--reason", "x", "--user", "fo-curator"], "may not curate lineage"),
        (["split", str(declined.pk), "--reason", "x"], "--decision: the lineage declined this pair"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message.replace("(", r"\(")):
            call_command("registry", "lineage", *args, stdout=StringIO())
    assert not LineageDecision.objects.exists()
