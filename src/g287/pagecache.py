"""Whole public pages kept in the cache for readers who are not signed in, and the versions of the data they
show. Below every app, so the registry's, the portal's and the change feeds' pages use it without importing one
another.

A page is kept per version of the data it shows (``data_version`` changes with every audited write, every ICE
publication imported and every admin change; ``registry_version`` only with those that touch the registry), per day (statuses are derived as of today), per language and per address. A signed-in
reader's page names them, and a page with a message to show is the reader's own: both are always rendered. The page frame's CSRF token is the only per-reader part of a public page: the page is
rendered with a placeholder, which each response replaces with the reader's own token.
"""

from __future__ import annotations

import os
import time
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

# Rendered into cached pages in place of the reader's CSRF token, and replaced by it on every request.
TOKEN_MARK = "g287-csrf-token-placeholder-0f3b"
CACHE_SECONDS = 6 * 3600

# How long a process may reuse the data version it read (seconds): the portal asks for it on every request, and
# a page may lag a write by this long. Tests set it to 0.
VERSION_TTL = float(os.environ.get("G287_DATA_VERSION_TTL", "1"))
_version_memo: tuple[float, object] = (0.0, "")

# The topics (the part of an audit event's action before the dot) each kind of public page shows.
REGISTRY_TOPICS = ("registry",)


def read_versions() -> tuple[dict, int, int]:
    """(newest event per topic, newest publication, newest admin log entry): one round trip, at most once per
    VERSION_TTL per process. The topics' numbers are kept by a trigger on the audit log (``audit.TopicVersion``)."""
    global _version_memo
    now = time.monotonic()
    if VERSION_TTL > 0 and now - _version_memo[0] < VERSION_TTL and _version_memo[1]:
        return _version_memo[1]
    with connection.cursor() as cur:
        cur.execute("SELECT topic, seq FROM audit_topicversion UNION ALL "
                    "SELECT '#publication', (SELECT MAX(id) FROM registry_publication) UNION ALL "
                    "SELECT '#admin', (SELECT MAX(id) FROM django_admin_log)")
        rows = dict(cur.fetchall())
    pub, admin = rows.pop("#publication", None) or 0, rows.pop("#admin", None) or 0
    value = (rows, pub, admin)
    _version_memo = (now, value)
    return value


def version_of(*topics: str) -> str:
    """The version of the data of ``topics`` (all of them when none is named): it changes when a service write
    of one of those topics is audited, when ICE's lists are imported (a publication) and when anything is changed
    in the admin, and not otherwise — so a page keyed on it stays kept while other data is written."""
    return format_version(read_versions(), topics)


def format_version(versions: tuple, topics: tuple) -> str:
    seqs, pub, admin = versions
    seq = max((seqs.get(t, 0) for t in topics), default=0) if topics else max(seqs.values(), default=0)
    return f"{'+'.join(topics) or 'all'}:{seq}.{pub}.{admin}"


def data_version() -> str:
    """Changes whenever anything is written: every service write appends an audit event, every import adds a
    publication, and every change made in the admin adds an admin log entry."""
    return version_of()


def registry_version() -> str:
    """Changes whenever anything the registry's pages show is written: an import (a publication, the roster), a
    notice or any other registry service write (audit actions ``registry.…``), a change in the admin. Recording
    actions and oversight records leave it alone, so an agency's page and the map stay kept while they come in."""
    return version_of(*REGISTRY_TOPICS)


def public_context(request) -> dict:
    """Context for a page rendered by a ``public_page`` view: the placeholder instead of the reader's token
    (the view's context wins over the context processor's token)."""
    return {"csrf_token": TOKEN_MARK} if getattr(request, "g287_token_mark", False) else {}


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() reads the messages without using them up


def page_key(request, version=None) -> str:
    version = version or data_version
    return (f"public:page:{version()}:{timezone.localdate().isoformat()}:{get_language()}:"
            f"{request.get_full_path()}")


def public_page(view=None, *, version=None):
    """Decorate a view whose page is the same for every reader who is not signed in. The view puts
    ``public_context(request)`` into its template context. ``version()`` names the state of the data the page
    shows (``data_version`` unless given): a write that moves it retires the page."""
    if view is None:
        return lambda v: public_page(v, version=version)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated or _has_messages(request):
            return view(request, *args, **kwargs)
        key = page_key(request, version)
        cached = cache.get(key)
        if cached is None:
            request.g287_token_mark = True
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            html = response.content.decode(response.charset)
            if "csrfmiddlewaretoken" in html and TOKEN_MARK not in html:
                return response  # rendered with a real token: this reader's page only
            cached = (html, response["Content-Type"])
            cache.set(key, cached, CACHE_SECONDS)
        html, content_type = cached
        return HttpResponse(html.replace(TOKEN_MARK, get_token(request)), content_type=content_type)

    return wrapped
