from django.apps import AppConfig


class HandoutsConfig(AppConfig):
    name = "coplanner.handouts"
    label = "handouts"
