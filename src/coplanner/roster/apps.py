from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "coplanner.roster"
    label = "roster"
