"""The personnel API under /api/personnel/ (mounted by ``g287.urls``)."""

from g287.personnel.api import router

urlpatterns = router.urls
