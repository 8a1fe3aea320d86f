"""The MOA documents API under /api/moa/ (mounted by ``g287.urls``)."""

from g287.moa.api import router

urlpatterns = router.urls
