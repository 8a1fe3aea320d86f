from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "g287.operations"
    label = "operations"
