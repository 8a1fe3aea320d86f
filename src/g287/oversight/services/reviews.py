"""Supervisor review: which recorded actions need an ICE officer's signature, and signing or returning them.

Every detainer, warrant, charging document and I-213 of a JEM, TFM or Hybrid agreement is signed by an
ICE supervisor (rules.md §7). WSO agencies have had no oversight beyond the warrant itself (GAO-21-186):
here a share of their served warrants (20 % by default, per agency or program-wide) is sampled for the
same review. The sample is deterministic — a hash of the action's id against the rate — so it can be
re-derived and audited, and nobody can steer which warrant is picked. Actions recorded against the rules
(denied) are queued too: they are already flagged for a supervisor.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from g287.audit.services import record
from g287.accounts.scoping import scope
from g287.oversight.choices import AuditAction
from g287.oversight import roles
from g287.oversight.models import ReviewItem, ReviewSampleRate
from g287.registry.choices import AgreementModel



def _actions():
    """The recorded actions, reached through the review item's own relation: operations records actions and asks
    this module which of them a supervisor reviews (``review_item``), so oversight does not import operations."""
    return ReviewItem._meta.get_field("action").related_model.objects

DOCUMENT_FUNCTIONS = frozenset({"issue_detainer", "serve_arrest_warrant", "serve_removal_warrant",
                                "prepare_charging_document", "prepare_i213"})
SERVED_WARRANTS = frozenset({"serve_arrest_warrant", "serve_removal_warrant"})
FULL_REVIEW_MODELS = frozenset({AgreementModel.JEM, AgreementModel.TFM, AgreementModel.HYBRID})
DEFAULT_SAMPLE_RATE = Decimal("0.200")


def _item_dict(i: ReviewItem) -> dict:
    return {"action": i.action_id, "agency": i.agency_id, "reason": i.reason, "decision": i.decision,
            "decided_at": i.decided_at, "return_reason": i.return_reason}


def sample_rate(agency) -> Decimal:
    """The agency's own rate, else the program-wide default, else 20 %."""
    rates = dict(ReviewSampleRate.objects.filter(agency__in=[agency.pk]).values_list("agency_id", "rate"))
    if agency.pk in rates:
        return rates[agency.pk]
    default = ReviewSampleRate.objects.filter(agency__isnull=True).values_list("rate", flat=True).first()
    return DEFAULT_SAMPLE_RATE if default is None else default


def sample_point(action_id: int) -> float:
    """Where an action falls in [0, 1): the first 8 bytes of SHA-256 of its id."""
    digest = hashlib.sha256(f"g287-review-sample:{action_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def in_sample(action_id: int, rate) -> bool:
    return sample_point(action_id) < float(rate)


def reason_needs_id(model: str, function: str) -> bool:
    """Whether ``review_reason`` may need the action's id: a warrant a WSO agency served, which the sample
    may pick (every other answer is known before the action is stored)."""
    return model == AgreementModel.WSO and function in SERVED_WARRANTS


def review_reason(action, rate=None) -> str | None:
    """Why this action goes to a supervisor (None: it does not)."""
    if not action.allowed:
        return ReviewItem.Reason.DENIED
    if action.function not in DOCUMENT_FUNCTIONS:
        return None
    model = action.agreement.model
    if model in FULL_REVIEW_MODELS:
        return ReviewItem.Reason.DOCUMENT
    if reason_needs_id(model, action.function):
        rate = sample_rate(action.agreement.agency) if rate is None else rate
        return ReviewItem.Reason.SAMPLE if in_sample(action.pk, rate) else None
    return None


def review_item(action, rate=None, queued: datetime | None = None) -> ReviewItem | None:
    """The queue item (unsaved) of an action that needs a supervisor, or None: the one home of the review queue's
    membership. The recording service (``operations.services``) asks it of every reported action and stores the
    item in the same write as the action, queued when the action was recorded; ``enqueue_for_review`` and
    ``backfill_review_queue`` ask it of actions recorded before."""
    reason = review_reason(action, rate)
    if reason is None:
        return None
    return ReviewItem(action=action, agency_id=action.agreement.agency_id, reason=reason,
                      queued=action.recorded if queued is None else queued)


@transaction.atomic
def enqueue_for_review(action, actor=None) -> ReviewItem | None:
    """Queue an action recorded without its review item (before the queue existed) for a supervisor when it needs
    one; idempotent. Actions recorded now are queued by the recording service itself (``review_item``)."""
    existing = ReviewItem.objects.filter(action_id=action.pk).first()
    if existing is not None:
        return existing
    if not hasattr(action, "agreement") or action.agreement is None:
        action = _actions().select_related("agreement__agency").get(pk=action.pk)
    item = review_item(action, queued=timezone.now())
    if item is None:
        return None
    item.save(force_insert=True)
    record(actor, AuditAction.ENQUEUE_REVIEW, "oversight.reviewitem", item.pk, None, _item_dict(item))
    return item


@transaction.atomic
def backfill_review_queue(actor=None, agency=None) -> int:
    """Queue every stored action that needs review and is not queued yet; one audit event for the batch."""
    actions = (_actions().filter(review__isnull=True).select_related("agreement__agency")
               .order_by("id"))
    if agency is not None:
        actions = actions.filter(agreement__agency=agency)
    rates: dict[int, Decimal] = {}
    now = timezone.now()
    items = []
    for action in actions.iterator(chunk_size=2000):
        if action.allowed and action.function not in DOCUMENT_FUNCTIONS:
            continue
        ag = action.agreement.agency
        if ag.pk not in rates:
            rates[ag.pk] = sample_rate(ag)
        item = review_item(action, rates[ag.pk], queued=now)
        if item is not None:
            items.append(item)
    ReviewItem.objects.bulk_create(items, batch_size=2000)
    if items:
        record(actor, AuditAction.BACKFILL_REVIEW_QUEUE, "oversight.reviewitem", "batch", None,
               {"queued": len(items), "first_action": items[0].action_id, "last_action": items[-1].action_id,
                "agency": getattr(agency, "pk", None)})
    return len(items)


def _decide(actor, item: ReviewItem, decision: str, reason: str, at: datetime | None) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    roles.require(actor, roles.SIGN, item.agency)
    if item.decision:
        raise ValidationError({"decision": f"action {item.action_id} was already {item.decision} at {item.decided_at}"})
    before = _item_dict(item)
    item.decision, item.return_reason = decision, reason
    item.decided_at = at or timezone.now()
    item.decided_by = actor if getattr(actor, "pk", None) else None
    item.save(update_fields=["decision", "return_reason", "decided_at", "decided_by"])
    record(actor, AuditAction.SIGN_REVIEW if decision == ReviewItem.Decision.SIGNED else AuditAction.RETURN_REVIEW,
           "oversight.reviewitem", item.pk, before, _item_dict(item))
    return item


@transaction.atomic
def sign_review(actor, item: ReviewItem, at: datetime | None = None) -> ReviewItem:
    return _decide(actor, item, ReviewItem.Decision.SIGNED, "", at)


@transaction.atomic
def return_review(actor, item: ReviewItem, reason: str, at: datetime | None = None) -> ReviewItem:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "a returned document states what must be corrected"})
    return _decide(actor, item, ReviewItem.Decision.RETURNED, reason, at)


@transaction.atomic
def set_sample_rate(actor, rate, agency=None) -> ReviewSampleRate:
    """Set an agency's WSO sample rate (or the program-wide default when ``agency`` is None)."""
    roles.require(actor, roles.SANCTION, agency)
    try:
        rate = Decimal(str(rate)).quantize(Decimal("0.001"))
    except ArithmeticError:
        raise ValidationError({"rate": f"rate must be a number from 0 to 1; got {rate!r}"}) from None
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValidationError({"rate": f"rate must be from 0 to 1 (a share, 0.2 = 20 %); got {rate}"})
    row = ReviewSampleRate.objects.select_for_update().filter(agency=agency).first()
    before = None if row is None else {"rate": row.rate}
    if row is None:
        row = ReviewSampleRate.objects.create(agency=agency, rate=rate)
    else:
        row.rate = rate
        row.save(update_fields=["rate"])
    record(actor, AuditAction.SET_SAMPLE_RATE, "oversight.reviewsamplerate", row.pk, before,
           {"agency": getattr(agency, "pk", None), "rate": rate})
    return row


def review_queue(user, *, pending: bool = True, as_of=None):

    qs = ReviewItem.objects.select_related("action__officer", "action__agreement", "agency", "decided_by")
    if pending:
        qs = qs.filter(decision="")
    return scope(qs, user, "agency", as_of).order_by("queued", "id")
