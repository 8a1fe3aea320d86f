"""Curation of the lineage: the program office confirms or rejects a declined candidate, or splits a merge.

A decision is stored by the two rows' content-derived identities (``LineageDecision``), not by the candidate's
id, because the lineage rewrites its candidates on every recompute; the lineage reads the decisions and applies
them each time (confirm: merge the declined pair; reject: keep them apart, reviewed; split: undo the merge).
A later decision on the same pair replaces the earlier one; the audit log keeps both.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from g287.audit.services import record
from g287.registry import lineage, roles
from g287.registry.choices import AuditAction
from g287.registry.models import LineageCandidate, LineageDecision

Decision = LineageDecision.Decision

# Which decisions fit which candidates: a declined pair is confirmed or rejected, a merge is split.
FITS = {False: (Decision.CONFIRM, Decision.REJECT), True: (Decision.SPLIT,)}
MISFIT = {False: "the lineage declined this pair: confirm it (the same agreement) or reject it (different ones)",
          True: "the lineage merged this pair: a merge can only be split"}


def _snapshot(d: LineageDecision | None) -> dict | None:
    if d is None:
        return None
    return {"id": d.pk, "kind": d.kind, "old_identity": d.old_identity, "new_identity": d.new_identity,
            "decision": d.decision, "reason": d.reason, "by": d.by_id, "at": d.at}


def validate(candidate: LineageCandidate, decision: str, reason: str, at) -> str:
    """The reason, stripped; a ValidationError naming the field otherwise."""
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = f"{decision!r} is not a decision: use {', '.join(Decision.values)}"
    elif decision not in FITS[candidate.merged]:
        errors["decision"] = MISFIT[candidate.merged]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "a reason is required: say why the rows are or are not the same agreement"
    if not isinstance(at, datetime) or at.tzinfo is None:
        errors["at"] = f"when the decision was made must be a date and time with its time zone; got {at!r}"
    if errors:
        raise ValidationError(errors)
    return reason


def decide(user, candidate: LineageCandidate, decision: str, reason: str, *, at: datetime):
    """Record ``user``'s decision on ``candidate`` with its reason and audit event, then recompute the lineage so
    it takes effect. Returns ``(LineageDecision, the recompute's counts)``.

    PermissionDenied unless the program office (or the system, ``user`` None); ValidationError naming the field
    for a missing reason or a decision that does not fit the candidate (split is for merges only)."""
    roles.require(user, roles.CURATE_LINEAGE)
    reason = validate(candidate, decision, reason, at)
    with transaction.atomic():
        current = (LineageDecision.objects.select_for_update()
                   .filter(old_identity=candidate.old_identity, new_identity=candidate.new_identity).first())
        before = _snapshot(current)
        row = current or LineageDecision(old_identity=candidate.old_identity, new_identity=candidate.new_identity)
        row.kind, row.decision, row.reason, row.at = candidate.kind, decision, reason, at
        row.by = user if getattr(user, "pk", None) else None
        row.save()
        after = _snapshot(row) | {"candidate": {"id": candidate.pk, "merged": candidate.merged,
                                                "publication": candidate.publication_id,
                                                "lineage_reason": candidate.reason}}
        record(user, AuditAction.LINEAGE_DECISION, "registry.lineage_decision", row.pk, before, after)
    counts = lineage.recompute()
    return row, counts


def decisions_by_pair() -> dict[tuple[str, str], LineageDecision]:
    """Every decision, by (old identity, new identity), with who made it."""
    return {(d.old_identity, d.new_identity): d for d in LineageDecision.objects.select_related("by")}
