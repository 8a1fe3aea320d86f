from django.apps import AppConfig


class ConformanceConfig(AppConfig):
    name = "g287.conformance"
    label = "conformance"
