"""Property-based tests of the whole API against its own schema (schemathesis).

Every operation gets generated requests, valid and invalid, sent with a
valid token of the cast's school through Django's WSGI handler. Each
answer must not be a server error and must match the schema: its status is
documented, its content type is the documented one (``application/json``,
or ``application/problem+json`` for errors), its body has the documented
shape, and a request the schema forbids is refused.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.api.helpers import make_token

# A valid request for an id the school does not hold answers 404, and
# evidence for students the school does not have answers 422: both are the
# documented, intended answers to data the schema cannot know is wrong.
ACCEPTED_FOR_VALID_DATA = ["2xx", "404", "422"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ACCEPTED_FOR_VALID_DATA}
        }
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", WSGIHandler(), config=CONFIG
)


@pytest.fixture
def secret(cast):
    return make_token(cast.school)


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """Keep the database connection open across requests, as Django's test client does.

    The handler closes a connection at the end of each request when it is
    not in autocommit mode, which the test's transaction never is; on
    PostgreSQL that would end the test's transaction with the first request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
