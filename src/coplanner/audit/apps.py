from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coplanner.audit"
    label = "audit"

    def ready(self) -> None:
        # Permission changes (role groups, a classroom's staff, a family's
        # children) happen through the admin and imports as well as our own
        # code, so they are caught by signals rather than in each action.
        from coplanner.audit import signals

        signals.connect()
