"""The changes API under /api/ (mounted by ``g287.urls``)."""

from g287.changes.api import router

urlpatterns = router.urls
