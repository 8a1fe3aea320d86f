from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "g287.program"
    label = "program"

    def ready(self):
        # AppConfig.ready(), Django's place to connect signal receivers once every app is loaded: ICE's pending
        # list feeds the program's applications on every import (program → registry, one way).
        from g287.program.intake import take_pending_on_import
        from g287.registry.signals import lineage_updated

        lineage_updated.connect(take_pending_on_import, dispatch_uid="program.take_pending_on_import")
