from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "g287.web"
    label = "web"
