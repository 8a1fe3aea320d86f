"""The operations API under /api/: actions, obligations, deadlines, and the trivial ping view."""

from django.urls import path

from g287.operations.api import DeadlineView, ping, router

urlpatterns = [
    path("ping/", ping, name="ping"),
    path("deadlines/", DeadlineView.as_view(), name="deadlines"),
    *router.urls,
]
