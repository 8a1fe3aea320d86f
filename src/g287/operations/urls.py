from django.urls import path

from g287.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.action_list, name="action-list"),
    path("new/", views.action_new, name="action-new"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.csv", views.upload_template, name="upload-template"),
    path("upload/<int:pk>/", views.upload_status, name="upload-status"),
    path("flagged/", views.action_list, {"flagged": True}, name="flagged"),
    path("<int:pk>/", views.action_detail, name="action-detail"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("deadlines/<str:kind>/<int:pk>/fulfil/", views.fulfil, name="fulfil"),
]
