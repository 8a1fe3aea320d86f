from django.urls import path

from g287.web import views

app_name = "web"
urlpatterns = [path("", views.home, name="home"), path("today/", views.today, name="today")]
