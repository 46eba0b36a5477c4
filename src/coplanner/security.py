"""HTTP headers that keep coplanner's pages to themselves.

Django sets most security headers from settings (see ``settings/base.py``:
nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options) and
django-csp builds the Content-Security-Policy. This module adds the two
things neither does:

- the Permissions-Policy header: coplanner never needs a camera, a
  microphone or a person's location, and a page that cannot ask for them
  cannot be tricked into asking a child for them;
- a Content-Security-Policy on HTML pages only. The policy is what keeps
  an injected script or style from running in a page; on a PDF it would
  instead stop Chrome's own PDF viewer from drawing the schedule cards, and
  CSV and calendar files are never run by a browser at all.
"""

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase

# Browser features no coplanner page uses, each turned off for every origin.
# Read-aloud uses speech synthesis, which needs no permission.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}


def build_permissions_policy(features: dict[str, list[str]]) -> str:
    """Return the header value (``camera=(), geolocation=(self)``, …)."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items()
    )


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = build_permissions_policy(PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class HtmlContentSecurityPolicyMiddleware(CSPMiddleware):
    """Set django-csp's Content-Security-Policy on HTML responses only."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
