from django.urls import path

from g287.personnel import views

app_name = "personnel"
urlpatterns = [
    path("", views.officer_list, name="officer-list"),
    path("nominate/", views.officer_new, name="officer-new"),
    path("<int:pk>/", views.officer_detail, name="officer-detail"),
    path("<int:pk>/trainings/", views.training_add, name="training-add"),
    path("<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("<int:pk>/authorizations/", views.authorize, name="authorize"),
    path("authorizations/<int:pk>/revoke/", views.revoke, name="revoke"),
]
