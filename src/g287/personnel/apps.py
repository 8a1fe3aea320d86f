from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "g287.personnel"
    label = "personnel"
