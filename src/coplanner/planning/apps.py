from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "coplanner.planning"
    label = "planning"
