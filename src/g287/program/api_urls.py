"""The program API under /program/api/, its names in the ``program`` namespace (``program:api-…``), as it was
published before the other apps' APIs were gathered under /api/: mounted by ``program/urls.py``, not by
``g287.urls``, so its addresses and names stay as they were."""

from g287.program.api import router

urlpatterns = router.urls
