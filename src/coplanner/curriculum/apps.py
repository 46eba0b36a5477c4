from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "coplanner.curriculum"
    label = "curriculum"
