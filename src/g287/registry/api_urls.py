"""The registry API under /api/ (mounted by ``g287.urls``): its router also answers /api/ itself (the root)."""

from g287.registry.api import router

urlpatterns = router.urls
