"""Alerts by e-mail: subscribe to a state, county or agency without an account, confirm by a link, get at most
one digest a day, leave by the link in every message.

The address is the only personal data kept. It is never shown (pages and messages speak of "your address"),
never exported (the open data has no subscription table), never written to the audit log (events name the
subscription's number and what it follows), and deleted at once on unsubscribing; a subscription not confirmed
within ``CONFIRM_WITHIN`` is deleted by the next digest run.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from g287.audit.services import record
from g287.changes.choices import AuditAction, Scope
from g287.changes.models import Change, Subscription
from g287.registry.filters import STATE_NAMES
from g287.registry.models import Agency

log = logging.getLogger(__name__)
CONFIRM_WITHIN = timedelta(days=7)
RESEND_AFTER = timedelta(hours=1)  # a confirmation is not sent again to the same subscription sooner
MAX_PER_ADDRESS = 25
DIGEST_WINDOW = timedelta(days=30)  # only changes of publications dated this recently go into a digest
MAX_IN_DIGEST = 200


class AlertError(ValueError):
    """A subscription that cannot be made; the message names the field."""


@dataclass
class Target:
    scope: str
    state: str
    county: str = ""
    agency: Agency | None = None

    def describe(self) -> str:
        if self.scope == Scope.AGENCY and self.agency:
            return f"{self.agency.name} ({self.agency.state})"
        if self.scope == Scope.COUNTY:
            return f"{self.county} County, {STATE_NAMES.get(self.state, self.state)}"
        return STATE_NAMES.get(self.state, self.state)


def target_of(sub: Subscription) -> Target:
    return Target(sub.scope, sub.state, sub.county, sub.agency)


def url(path: str) -> str:
    return settings.G287_SITE_URL + path


def _send(to: str, subject: str, body: str, unsubscribe: str | None = None) -> None:
    headers = ({"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
               if unsubscribe else {})
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers,
                 connection=get_connection()).send(fail_silently=False)


def subscribe(email: str, target: Target, language: str = "en") -> Subscription | None:
    """Record a subscription (unconfirmed) and send the confirmation link. The same address and target again
    re-sends the link (at most once an hour) and otherwise changes nothing. Returns None when nothing was sent."""
    email = email.strip()
    now = timezone.now()
    with transaction.atomic():
        existing = Subscription.objects.select_for_update().filter(
            email__iexact=email, scope=target.scope, state=target.state, county=target.county,
            agency=target.agency).first()
        if existing is not None:
            if existing.confirmed or now - existing.created < RESEND_AFTER:
                return None
            existing.created = now
            existing.save(update_fields=["created"])
            sub = existing
        else:
            if Subscription.objects.filter(email__iexact=email).count() >= MAX_PER_ADDRESS:
                raise AlertError(f"email: this address already follows {MAX_PER_ADDRESS} places")
            sub = Subscription.objects.create(email=email, scope=target.scope, state=target.state,
                                              county=target.county, agency=target.agency, language=language[:8],
                                              token=secrets.token_urlsafe(32), created=now)
            record(None, AuditAction.SUBSCRIBE, "subscription", sub.pk, None, _public(sub))
    with translation.override(sub.language):
        body = render_to_string("changes/email/confirm.txt", {
            "target": target.describe(), "confirm_url": url(reverse("changes:confirm", args=[sub.token])),
            "unsubscribe_url": url(reverse("changes:unsubscribe", args=[sub.token])),
            "days": CONFIRM_WITHIN.days})
        subject = translation.gettext("Confirm your alert: changes in %(target)s") % {"target": target.describe()}
    _send(sub.email, subject, body, url(reverse("changes:unsubscribe", args=[sub.token])))
    return sub


def _public(sub: Subscription) -> dict:
    """What the audit log keeps of a subscription: what it follows, never the address."""
    return {"scope": sub.scope, "state": sub.state, "county": sub.county, "agency": sub.agency_id,
            "language": sub.language}


def confirm(token: str) -> Subscription | None:
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(token=token).first()
        if sub is None:
            return None
        if sub.confirmed is None:
            if timezone.now() - sub.created > CONFIRM_WITHIN:
                return None
            sub.confirmed = timezone.now()
            sub.sent_through = sub.confirmed  # only what changes from now on
            sub.save(update_fields=["confirmed", "sent_through"])
            record(None, AuditAction.CONFIRM, "subscription", sub.pk, None, _public(sub))
    return sub


def unsubscribe(token: str) -> bool:
    """Delete the subscription, and with it the address."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(token=token).first()
        if sub is None:
            return False
        before = _public(sub)
        pk = sub.pk
        sub.delete()
        record(None, AuditAction.UNSUBSCRIBE, "subscription", pk, before, None)
    return True


def changes_for(sub: Subscription, since, until):
    qs = Change.objects.filter(first_seen__gt=since, first_seen__lte=until,
                               published__gte=timezone.localdate() - DIGEST_WINDOW)
    if sub.scope == Scope.AGENCY:
        qs = qs.filter(agency_id=sub.agency_id)
    elif sub.scope == Scope.COUNTY:
        qs = qs.filter(state=sub.state, county__iexact=sub.county)
    else:
        qs = qs.filter(state=sub.state)
    return qs.select_related("publication").order_by("-published", "agency_name", "kind")


def send_digests(now=None) -> dict:
    """One message per confirmed subscription with new changes, unless it already had one today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stale = Subscription.objects.filter(confirmed__isnull=True, created__lt=now - CONFIRM_WITHIN)
    purged = stale.count()
    if purged:
        with transaction.atomic():
            for pk in list(stale.values_list("id", flat=True)):
                record(None, AuditAction.UNSUBSCRIBE, "subscription", pk, {"reason": "never confirmed"}, None)
            stale.delete()
    sent = skipped = failed = 0
    for sub in Subscription.objects.filter(confirmed__isnull=False).select_related("agency").order_by("id"):
        if sub.last_sent and timezone.localdate(sub.last_sent) >= today:
            skipped += 1
            continue
        since = sub.sent_through or sub.confirmed
        items = list(changes_for(sub, since, now)[:MAX_IN_DIGEST + 1])
        if not items:
            continue
        try:
            _send_digest(sub, items, now)
        except OSError as exc:  # smtplib's errors are OSErrors: this one waits for the next run, the others go
            log.warning("digest for subscription %s not sent: %s", sub.pk, exc)
            failed += 1
            continue
        sent += 1
    return {"sent": sent, "already_sent_today": skipped, "failed": failed, "unconfirmed_deleted": purged}


def _send_digest(sub: Subscription, items: list[Change], now) -> None:
    # changes.views imports this module
    from g287.changes.views import feed_path_for

    target = target_of(sub)
    unsubscribe_url = url(reverse("changes:unsubscribe", args=[sub.token]))
    with translation.override(sub.language):
        body = render_to_string("changes/email/digest.txt", {
            "target": target.describe(), "changes": items[:MAX_IN_DIGEST], "more": len(items) > MAX_IN_DIGEST,
            "changes_url": url(reverse("changes:list") + "?" + sub_query(sub)),
            "feed_url": url(feed_path_for(sub)), "unsubscribe_url": unsubscribe_url})
        subject = translation.ngettext("%(n)d change in %(target)s", "%(n)d changes in %(target)s",
                                       len(items[:MAX_IN_DIGEST])) % {"n": len(items[:MAX_IN_DIGEST]),
                                                                      "target": target.describe()}
    _send(sub.email, subject, body, unsubscribe_url)
    with transaction.atomic():
        Subscription.objects.filter(pk=sub.pk).update(last_sent=now, sent_through=now)
        record(None, AuditAction.DIGEST, "subscription", sub.pk, None, {"changes": len(items[:MAX_IN_DIGEST]),
                                                                   **_public(sub)})


def sub_query(sub: Subscription) -> str:
    from urllib.parse import urlencode

    if sub.scope == Scope.AGENCY:
        return urlencode({"agency": sub.agency_id})
    if sub.scope == Scope.COUNTY:
        return urlencode({"state": sub.state, "county": sub.county})
    return urlencode({"state": sub.state})
