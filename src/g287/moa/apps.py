from django.apps import AppConfig


class MoaConfig(AppConfig):
    name = "g287.moa"
    label = "moa"
    verbose_name = "MOA documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # AppConfig.ready(), Django's place to connect hooks once every app is loaded: the agreement page shows
        # the agreement's documents through the registry's hook (moa → registry).
        from g287.moa import hooks  # noqa: F401
