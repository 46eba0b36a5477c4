"""The v1 API: one NinjaAPI with the reads and writes, served at /api/v1/.

Its OpenAPI schema is served at /api/v1/openapi.json with a docs page at
/api/v1/docs, and kept in the repository as docs/openapi.json
(``coplanner api-schema -o docs/openapi.json`` writes it again).
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from coplanner.api.auth import IntegrationBearer
from coplanner.api.problems import (
    PROBLEM_TYPE,
    ApiError,
    build_problem_response,
    install_problem_handlers,
)
from coplanner.api.reads import router as reads
from coplanner.api.voice import router as voice
from coplanner.api.writes import router as writes

DESCRIPTION = """\
Read a school's rosters, skills, mastery estimates and plans; send evidence
(JSON rows or xAPI statements) and students' preferences.

Authenticate with a school's integration token, created by a school leader
on the Integrations page or with `coplanner create-token`:
`Authorization: Bearer <token>`. Everything is scoped to the token's
school: an id of another school answers 404.

Every list takes `limit` (at most 500) and `offset` and answers `count`.
Every error is an RFC 9457 problem (`application/problem+json`) with a
stable `code`: `not_authenticated`, `invalid_token`, `token_revoked`,
`not_found`, `invalid_json` (the body is not JSON), `invalid_request`
(the request does not match this schema), `method_not_allowed`,
`invalid_evidence` (evidence refused; nothing written), `server_error`.

xAPI statements name the skill by its code in
`object.definition.extensions["https://coplanner.org/xapi/extensions/skill"]`,
or by the activity id (`object.id`) equal to a skill's `source_id`.
"""

# TODO: no rate limit per token yet; a runaway integration is stopped by
# revoking its token. Add ninja's throttling keyed on the token when a
# school reports one.


class CoplannerAPI(NinjaAPI):
    """A NinjaAPI with readable operation ids, failed values kept in
    validation errors, and a schema that says errors are problem details."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The function's own name (list_students), stable and readable in
        # the clients generated from the schema.
        return operation.view_func.__name__

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        # ninja drops the value that failed; a person fixing a request wants
        # to see it, so plain values are kept (never a whole object).
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                value = error.get("input")
                if isinstance(value, str) and len(value) > 200:
                    value = value[:199] + "…"
                elif not isinstance(value, (str, int, float, bool)):
                    value = None
                errors.append(
                    {
                        "loc": (model.__ninja_param_source__,)
                        + model.__ninja_flatten_map_reverse__.get(
                            error["loc"], error["loc"]
                        ),
                        "msg": error["msg"],
                        "type": error["type"],
                        "input": value,
                    }
                )
        return ValidationError(errors)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: Any = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
        return schema


def refuse_unknown_query_parameters(
    view_func: Callable[..., Any],
) -> Callable[..., Any]:
    """Wrap an operation so that a query parameter it does not take is refused.

    A misspelt filter (``?clasroom=3``) would otherwise be ignored and the
    whole list answered, which an integration would take for the filtered
    one. Runs after authentication and validation.
    """
    operation = view_func._ninja_operation  # type: ignore[attr-defined]
    taken = {
        name
        for model in operation.models
        if model.__ninja_param_source__ == "query"
        for name in model.__ninja_flatten_map__
    }

    @wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET) - taken)
        if unknown:
            listed = ", ".join(sorted(taken)) or "none"
            raise ApiError(
                422,
                "invalid_request",
                "The request has query parameters this address does not take. "
                f"It takes: {listed}.",
                [
                    {
                        "index": None,
                        "field": name,
                        "value": request.GET.get(name),
                        "why": "This address takes no such parameter. Check "
                        "its spelling.",
                    }
                    for name in unknown
                ],
            )
        return view_func(request, *args, **kwargs)

    return checked


api = CoplannerAPI(
    title="coplanner",
    version="1",
    description=DESCRIPTION,
    auth=IntegrationBearer(),
    urls_namespace="api-v1",
    docs_decorator=login_not_required,
)
install_problem_handlers(api)
for router in (reads, writes, voice):
    router.add_decorator(refuse_unknown_query_parameters)
api.add_router("", reads)
api.add_router("", writes)
api.add_router("", voice)


@login_not_required
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    """Answer an address the API does not have with the 404 problem."""
    return build_problem_response(
        404,
        "not_found",
        "The API has no such address. Its addresses are listed at /api/v1/docs.",
    )


def _with_problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API view so that a method it does not take answers as a problem."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            PROBLEM_TYPE
        ):
            return response
        allowed = response.get("Allow", "")
        problem = build_problem_response(
            405,
            "method_not_allowed",
            f"This address does not take {request.method}. It takes: {allowed}.",
        )
        problem["Allow"] = allowed
        return problem

    return wrapped


def build_urls() -> Any:
    """Return the API's URL patterns, open to requests without a session.

    The site asks for a login on every page; the API authenticates each
    request by its token instead.
    """
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = login_not_required(_with_problem_405(pattern.callback))
    patterns.append(path("<path:rest>", unknown_path))
    return patterns, app_name, namespace


def build_schema_text() -> str:
    """Return the schema as docs/openapi.json holds it: sorted, indented JSON."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
