"""Attribute changes caught by signals to the person making the request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from coplanner.audit.actions import acting_as


class AuditUserMiddleware:
    """Remember who is signed in while the request runs, for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(getattr(request, "user", None)):
            return self.get_response(request)
