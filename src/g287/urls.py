from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.autodiscover()  # the admin is installed without discovery at start (settings.INSTALLED_APPS says why)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("g287.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script as a file: the Content-Security-Policy allows no inline one.
    # Swagger UI sets inline styles; on this page only, styles (never scripts) may be inline.
    path("api/docs/", csp_update({"style-src": ["'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    # Every app's API: its api_urls.py (a router and any other paths), mounted under /api/<prefix> in this order
    # (the registry's router answers /api/ itself, so it comes last), with the URL namespace given here. The
    # program's API keeps its published place, /program/api/ in the program namespace (program/urls.py).
    *(path(f"api/{prefix}", include((f"g287.{app}.api_urls", namespace))) for prefix, app, namespace in (
        ("oversight/", "oversight", "oversight-api"),
        ("personnel/", "personnel", "personnel-api"),
        ("", "changes", "changes-api"),
        ("", "operations", "operations-api"),
        ("moa/", "moa", "moa-api"),
        ("", "registry", "api"),
    )),
    path("oversight/", include("g287.oversight.urls")),
    path("officers/", include("g287.personnel.urls")),
    path("complaints/", include("g287.oversight.public_urls")),
    path("", include("g287.registry.urls")),
    path("", include("g287.changes.urls")),
    path("program/", include("g287.program.urls")),
    path("actions/", include("g287.operations.urls")),
    path("portal/", include("g287.reports.urls")),
    path("moa/", include("g287.moa.urls")),
    path("", include("g287.web.urls")),
]

# JSON for the API's paths, the site's pages elsewhere.
handler400 = "g287.web.views.bad_request"
handler403 = "g287.web.views.permission_denied"
handler404 = "g287.web.views.page_not_found"
handler500 = "g287.web.views.server_error"
