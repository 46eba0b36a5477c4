from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coplanner.accounts"
    label = "accounts"
