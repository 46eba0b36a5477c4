"""Errors of the API as RFC 9457 problem details, rendered in one place.

Every error answer, whatever raised it, is ``application/problem+json``
with ``type``, ``title``, ``status``, ``detail`` and a stable ``code`` an
integration can branch on. ``type`` is ``urn:coplanner:problem:<code>``.
Errors about the data sent carry ``errors``: one entry per bad value, with
its ``index`` in the batch (null for a single object), the ``field`` (a dotted
path), the ``value`` sent and ``why`` it is wrong.
"""

import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
TYPE_START = "urn:coplanner:problem:"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
}

# Titles of the codes whose title says more than their status's.
CODE_TITLES = {
    "invalid_evidence": "Evidence refused",
    "invalid_token": "Token not known",
    "token_revoked": "Token revoked",
}


class FieldError(Schema):
    """One bad value: where it is, what it was and why it is refused."""

    index: int | None
    field: str
    value: Any = None
    why: str


class Problem(Schema):
    """An error answer (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


class ApiError(Exception):
    """An error answer with a stable code and a detail that says what to do."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors


def not_found(what: str) -> ApiError:
    """Return the 404 for an object the token's school does not hold."""
    return ApiError(
        404,
        "not_found",
        f"No {what} with this id in the school of this token. List them to "
        "find the right id.",
    )


def build_problem_response(
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    """Return a problem-details response."""
    body: dict[str, Any] = {
        "type": TYPE_START + code,
        "title": CODE_TITLES.get(code) or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body, default=str), status=status, content_type=PROBLEM_TYPE
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> tuple[int | None, str]:
    # ninja's locations start with where the value came from; a body's then
    # names the view's parameter, which the sender never sees. A batch's
    # rows and statements add their index.
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else []
    elif parts and parts[0] in ("query", "path", "header"):
        parts = parts[1:]
    index: int | None = None
    if (
        len(parts) > 1
        and parts[0] in ("rows", "statements")
        and isinstance(parts[1], int)
    ):
        index = parts[1]
        parts = parts[2:]
    elif parts and isinstance(parts[0], int):
        index = parts[0]
        parts = parts[1:]
    return index, ".".join(str(part) for part in parts) or "body"


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        index, field = _field_path(error.get("loc", ()))
        value = error.get("input")
        errors.append(
            {"index": index, "field": field, "value": value, "why": error.get("msg")}
        )
    return errors


def install_problem_handlers(api: NinjaAPI) -> None:
    """Make every error of ``api`` answer as problem details."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = build_problem_response(exc.status, exc.code, exc.detail, exc.errors)
        if exc.status == 401:
            response["WWW-Authenticate"] = (
                'Bearer realm="coplanner", error="invalid_token"'
            )
        return response

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return build_problem_response(
            422,
            "invalid_request",
            "The request does not match the API schema. Fix the fields listed "
            "in errors; the schema is at /api/v1/openapi.json.",
            _validation_errors(exc),
        )

    def on_authentication_error(
        request: HttpRequest, exc: AuthenticationError
    ) -> HttpResponse:
        response = build_problem_response(
            401,
            "not_authenticated",
            "Send a school's integration token as “Authorization: Bearer "
            "<token>”. A school leader creates tokens on the Integrations page.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="coplanner"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # The one 400 ninja raises: a body that is not JSON.
            return build_problem_response(
                400,
                "invalid_json",
                "The body is not JSON. Send it as UTF-8 JSON with "
                "“Content-Type: application/json”.",
            )
        code = {405: "method_not_allowed", 429: "too_many_requests"}.get(
            exc.status_code, "http_error"
        )
        return build_problem_response(exc.status_code, code, str(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return build_problem_response(
            404,
            "not_found",
            "Nothing is at this address in the school of this token. The API's "
            "addresses are listed at /api/v1/docs.",
        )

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The path and the exception only: never the headers (the token) or
        # the body (names, what a child wrote).
        logger.exception("API request %s %s failed", request.method, request.path)
        return build_problem_response(
            500,
            "server_error",
            "Something went wrong on the server and nothing was changed. Try "
            "again; if it keeps failing, tell whoever runs coplanner the time "
            "of the request.",
        )

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Exception, on_exception)
