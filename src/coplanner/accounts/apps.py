from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coplanner.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from coplanner.accounts.sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="coplanner_sessions")
