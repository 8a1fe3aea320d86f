from django.urls import path

from g287.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("trends/", views.trends, name="trends"),
    path("measures/", views.measures, name="measures"),
    path("data/<slug:name>.csv", views.data_csv, name="data-csv"),
]
