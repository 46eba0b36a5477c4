"""Bearer authentication with a school's integration token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from coplanner.api.models import IntegrationToken
from coplanner.api.problems import ApiError
from coplanner.api.tokens import get_token_for_secret, record_token_use


class IntegrationBearer(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` with a school's active token.

    A request without the header is answered by the API's
    ``not_authenticated`` problem; an unknown token gets ``invalid_token``
    and a revoked one ``token_revoked``. The header is never logged.
    """

    def __call__(self, request: HttpRequest) -> Any:
        # ninja's own parser logs a malformed header in debug mode; this one
        # never writes the header anywhere.
        scheme, _, secret = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> IntegrationToken:
        found = get_token_for_secret(token)
        if found is None:
            raise ApiError(
                401,
                "invalid_token",
                "This token is not known. Check that it was copied whole; a "
                "school leader can create a new one on the Integrations page.",
            )
        if found.revoked_at is not None:
            raise ApiError(
                401,
                "token_revoked",
                "This token was revoked. Ask a school leader for a new one.",
            )
        record_token_use(found)
        return found
