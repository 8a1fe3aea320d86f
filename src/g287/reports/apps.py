from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "g287.reports"
    label = "reports"
