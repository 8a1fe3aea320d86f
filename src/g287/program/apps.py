from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "g287.program"
    label = "program"
