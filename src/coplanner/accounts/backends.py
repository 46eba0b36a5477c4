"""The lockout check in front of password sign-in (django-axes).

Axes refuses a sign-in by username and network address after repeated
failures. Its backend needs the request to know the address; a sign-in made
by code without a request (the test client, a management command) has no
address to lock and is let through to the password check unchanged.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped for sign-ins made without a request."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]
