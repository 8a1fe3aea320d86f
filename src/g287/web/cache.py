"""Whole public pages kept in the cache for readers who are not signed in.

A page is kept per version of the data it shows (``g287.reports.services.data_version`` changes with every
audited write, every ICE publication imported and every admin change; ``registry_version`` only with those that
touch the registry), per day (statuses are derived as of today), per language and per address. A signed-in
reader's page names them, and a page with a message to show is the reader's own: both are always rendered. The page frame's CSRF token is the only per-reader part of a public page: the page is
rendered with a placeholder, which each response replaces with the reader's own token.
"""

from __future__ import annotations

from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

# Rendered into cached pages in place of the reader's CSRF token, and replaced by it on every request.
TOKEN_MARK = "g287-csrf-token-placeholder-0f3b"
CACHE_SECONDS = 6 * 3600


def public_context(request) -> dict:
    """Context for a page rendered by a ``public_page`` view: the placeholder instead of the reader's token
    (the view's context wins over the context processor's token)."""
    return {"csrf_token": TOKEN_MARK} if getattr(request, "g287_token_mark", False) else {}


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() reads the messages without using them up


def page_key(request, version=None) -> str:
    if version is None:
        from g287.reports.services import data_version as version  # the figures' version is the pages' version
    return (f"public:page:{version()}:{timezone.localdate().isoformat()}:{get_language()}:"
            f"{request.get_full_path()}")


def public_page(view=None, *, version=None):
    """Decorate a view whose page is the same for every reader who is not signed in. The view puts
    ``public_context(request)`` into its template context. ``version()`` names the state of the data the page
    shows (``g287.reports.services.data_version`` unless given): a write that moves it retires the page."""
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
