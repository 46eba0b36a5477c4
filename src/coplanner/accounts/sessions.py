"""How long a sign-in lasts, and what an account must do before anything else.

Adults stay signed in for a school day (``SESSION_COOKIE_AGE``). Students
get less, since they often share devices. A picture-login session ends when
the browser closes and after a short time without use, so the next child on
the class tablet never finds a classmate still signed in. An adult whose
password the school leader reset must choose a new one first.
"""

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from coplanner.accounts.models import AccountState
from coplanner.accounts.roles import Role, get_role

# A student signed in with a password, on their own device: half a school day.
STUDENT_SESSION_SECONDS = 4 * 60 * 60
# A picture-login session ends after this long without a page being opened.
SHARED_DEVICE_IDLE_SECONDS = 20 * 60
# The idle clock is written at most this often, to spare the session store.
IDLE_CLOCK_STEP_SECONDS = 60

SHARED_DEVICE_KEY = "coplanner_shared_device"
LAST_SEEN_KEY = "coplanner_last_seen"
MUST_CHANGE_KEY = "coplanner_must_change_password"


def on_user_logged_in(
    sender: object,
    request: HttpRequest | None,
    user: AbstractBaseUser,
    **kwargs: object,
) -> None:
    """Set how long the new session lasts and whether a new password is due."""
    if request is None or not hasattr(request, "session"):
        return
    if get_role(user) == Role.STUDENT:
        request.session.set_expiry(STUDENT_SESSION_SECONDS)
    if AccountState.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_KEY] = True


def start_shared_device_session(request: HttpRequest, class_token: str) -> None:
    """Make the session just signed in a picture-login one.

    It ends when the browser closes or after a short idle time, and signing
    out leads back to the class's tiles.
    """
    request.session.set_expiry(0)
    request.session[SHARED_DEVICE_KEY] = class_token
    request.session[LAST_SEEN_KEY] = int(time.time())


def get_shared_device_token(request: HttpRequest) -> str | None:
    """Return the class link token of a picture-login session, or None."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    token = session.get(SHARED_DEVICE_KEY)
    return str(token) if token else None


def finish_password_change(request: HttpRequest) -> None:
    """Note that the person chose their own password after a reset."""
    AccountState.objects.filter(user=request.user).update(must_change_password=False)
    request.session.pop(MUST_CHANGE_KEY, None)


class AccountMiddleware:
    """End idle shared-device sessions; send a reset account to its new password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            token = get_shared_device_token(request)
            if token and self._idle_too_long(request):
                logout(request)
                return redirect("accounts:picture_login", token=token)
            if request.session.get(MUST_CHANGE_KEY) and not self._may_pass(request):
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _idle_too_long(request: HttpRequest) -> bool:
        now = int(time.time())
        last_seen = int(request.session.get(LAST_SEEN_KEY, 0))
        if now - last_seen > SHARED_DEVICE_IDLE_SECONDS:
            return True
        if now - last_seen >= IDLE_CLOCK_STEP_SECONDS:
            request.session[LAST_SEEN_KEY] = now
        return False

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        allowed = (
            reverse("accounts:password_change"),
            reverse("logout"),
        )
        return request.path in allowed or request.path.startswith("/static/")
