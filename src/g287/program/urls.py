from django.urls import include, path

from g287.program import views

app_name = "program"
urlpatterns = [
    path("", views.index, name="index"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_new, name="application-new"),
    path("applications/import-pending/", views.application_import, name="application-import"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/evaluate/", views.application_evaluate, name="application-evaluate"),
    path("applications/<int:pk>/approve/", views.application_approve, name="application-approve"),
    path("applications/<int:pk>/deny/", views.application_decide, {"action": "deny"}, name="application-deny"),
    path("applications/<int:pk>/withdraw/", views.application_decide, {"action": "withdraw"},
         name="application-withdraw"),
    path("targets/", views.targets, name="targets"),
    path("capacity/", views.capacity, name="capacity"),
    path("funding/", views.funding, name="funding"),
    path("api/", include("g287.program.api_urls")),
]
