from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "coplanner.privacy"
    label = "privacy"
