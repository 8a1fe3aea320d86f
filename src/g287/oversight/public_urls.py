"""The public complaint form (no login), mounted at /complaints/."""

from django.urls import path

from g287.oversight import views

app_name = "complaints"
urlpatterns = [
    path("", views.public_complaint, name="new"),
    path("received/", views.public_complaint_received, name="received"),
]
