from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "g287.audit"
    label = "audit"
