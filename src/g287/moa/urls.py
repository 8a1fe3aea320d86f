from django.urls import path

from g287.moa import views

app_name = "moa"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/pdf/", views.download, name="download"),
    path("<int:pk>/match/", views.match, name="match"),
]
