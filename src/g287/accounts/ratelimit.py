"""Rate limits shared by every worker process and kept across restarts: in Redis when ``G287_REDIS_URL`` is set,
in the database otherwise (``accounts.RateMark``).

A limit counts what its caller says to count (the complaint form counts accepted complaints only, so a form
sent back with errors costs nothing): ``exceeded`` asks before the work, ``count`` records it after. The client
is its address — the peer's, or, when the peer is one of ``G287_TRUSTED_PROXIES``, the nearest address in
``X-Forwarded-For`` that is not a trusted proxy — stored only as a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from g287.accounts.models import RateMark

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` → (5, 3600); also ``"10/15m"``. A rate that cannot be read is a configuration error."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", rate or "")
    if not m:
        raise ValueError(f"rate {rate!r}: write a number per period, e.g. 5/h, 10/15m, 100/d")
    return int(m[1]), int(m[2] or 1) * UNITS[m[3]]


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@lru_cache(maxsize=4)
def _trusted_networks(proxies: tuple) -> list:
    return [ipaddress.ip_network(p, strict=False) for p in proxies]


def client_address(request) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy (then from X-Forwarded-For)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(peer):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the nearest hop a trusted proxy did not add is the client
        if not _trusted(hop):
            return hop
    return hops[0] if hops else peer


def _key(group: str, client: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{group}|{client}".encode(), hashlib.sha256).hexdigest()


def _redis():
    import os

    url = os.environ.get("G287_REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def exceeded(request, group: str, rate: str) -> bool:
    """Whether this client has used up ``rate`` (e.g. ``5/h``) of ``group`` within the period."""
    limit, period = parse_rate(rate)
    key = _key(group, client_address(request))
    r = _redis()
    if r is not None:
        now = time.time()
        name = f"g287:rate:{group}:{key}"
        pipe = r.pipeline()
        pipe.zremrangebyscore(name, 0, now - period)
        pipe.zcard(name)
        return pipe.execute()[1] >= limit
    since = timezone.now() - timedelta(seconds=period)
    return RateMark.objects.filter(group=group, key=key, at__gt=since).count() >= limit


def count(request, group: str, rate: str) -> None:
    """Count one event of ``group`` for this client (after the work it limits succeeded)."""
    _limit, period = parse_rate(rate)
    key = _key(group, client_address(request))
    r = _redis()
    if r is not None:
        now = time.time()
        name = f"g287:rate:{group}:{key}"
        pipe = r.pipeline()
        pipe.zadd(name, {f"{now:.6f}": now})
        pipe.expire(name, period + 60)
        pipe.execute()
        return
    now = timezone.now()
    with transaction.atomic():
        RateMark.objects.filter(group=group, at__lte=now - timedelta(seconds=period)).delete()
        RateMark.objects.create(group=group, key=key, at=now)


@contextmanager
def held(request, group: str):
    """One request of a client at a time between ``exceeded`` and ``count``, so two sent at once cannot both
    take the last place: a Redis lock, or a transaction holding a PostgreSQL advisory lock (SQLite writes one
    transaction at a time already)."""
    key = _key(group, client_address(request))
    r = _redis()
    if r is not None:
        with r.lock(f"g287:rate:{group}:{key}:lock", timeout=30, blocking_timeout=30):
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        yield
