from django.apps import AppConfig


class RedecideConfig(AppConfig):
    """No models: an app only so that ``g287 redecide`` is a management command."""

    name = "g287.redecide"
    label = "redecide"
