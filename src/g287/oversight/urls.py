from django.urls import path

from g287.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/", views.review_queue, name="review-queue"),
    path("reviews/sign/", views.review_sign_many, name="review-sign-many"),
    path("reviews/<int:pk>/sign/", views.review_sign, name="review-sign"),
    path("reviews/<int:pk>/return/", views.review_return, name="review-return"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/findings/", views.finding_add, name="finding-add"),
    path("findings/<int:pk>/corrective-actions/", views.corrective_add, name="corrective-add"),
    path("corrective-actions/<int:pk>/close/", views.corrective_close, name="corrective-close"),
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/<slug:step>/", views.complaint_step, name="complaint-step"),
    path("sanctions/", views.sanction_list, name="sanction-list"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="sanction-detail"),
    path("agencies/<int:pk>/sanctions/", views.agency_sanctions, name="agency-sanctions"),
]
