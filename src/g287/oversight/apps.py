from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "g287.oversight"
    label = "oversight"
