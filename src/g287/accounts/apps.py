from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "g287.accounts"
    label = "accounts"
