from django.apps import AppConfig


class MasteryConfig(AppConfig):
    name = "coplanner.mastery"
    label = "mastery"
