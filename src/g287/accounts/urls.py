from django.urls import path

from g287.accounts import views

urlpatterns = [
    path("otp/verify/", views.otp_verify, name="otp-verify"),
    path("otp/setup/", views.otp_setup, name="otp-setup"),
]
