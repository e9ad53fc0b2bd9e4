"""Generated requests against every operation of the OpenAPI schema: never a server error.

Schemathesis reads the schema the project serves and drives the WSGI app in-process with
hypothesis-generated inputs, as the manager (who may see everything).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from shomer.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def token(yossi, dana_ticket):
    # The WSGI handler closes the database connection after each request; the test's
    # transaction must survive, as it does under Django's own test client.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield Token.objects.get_or_create(user=yossi)[0].key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Token {token}", "Host": "127.0.0.1"})
    case.validate_response(response, checks=[not_a_server_error])
