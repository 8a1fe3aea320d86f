from django.urls import path

from g287.registry import views

app_name = "registry"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("publications/", views.publication_list, name="publication-list"),
    path("lineage/", views.lineage, name="lineage"),
    path("lineage/<int:pk>/decision/", views.lineage_decide, name="lineage-decide"),
]
