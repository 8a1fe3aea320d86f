from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "g287.changes"
    label = "changes"
    verbose_name = "What changed"

    def ready(self):
        # AppConfig.ready(), Django's place to connect signal receivers once every app is loaded: the registry
        # tells us when its lineage moved; we follow without the registry importing this app.
        from g287.changes import receivers  # noqa: F401
