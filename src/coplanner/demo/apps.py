from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "coplanner.demo"
    label = "demo"
