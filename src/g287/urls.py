from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from g287.registry.api import router as registry_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("g287.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/oversight/", include("g287.oversight.api")),
    path("api/", include(("g287.changes.api", "changes-api"))),
    path("api/", include(("g287.operations.api_urls", "operations-api"))),
    path("api/", include((registry_api.urls, "api"))),
    path("oversight/", include("g287.oversight.urls")),
    path("complaints/", include("g287.oversight.public_urls")),
    path("", include("g287.registry.urls")),
    path("", include("g287.changes.urls")),
    path("program/", include("g287.program.urls")),
    path("actions/", include("g287.operations.urls")),
    path("portal/", include("g287.reports.urls")),
    path("", include("g287.web.urls")),
]
