"""The oversight API under /api/oversight/ (mounted by ``g287.urls``)."""

from django.urls import path

from g287.oversight.api import DueView, router

urlpatterns = [path("due/", DueView.as_view(), name="due"), *router.urls]
