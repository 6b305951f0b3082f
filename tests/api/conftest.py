"""API clients for the cast: token-authenticated, as scripts and integrations call the API."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """api(user) -> an APIClient sending that user's token; api(None) -> no credentials."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def cast(marketing_user, ops_user, exec_user, admin_user, outsider):
    return {
        "marketing": marketing_user,
        "ops": ops_user,
        "exec": exec_user,
        "admin": admin_user,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def world(db, marketing_user):
    """The promises tests' small store: one scheduled campaign that passes every check."""
    from tests.promises.conftest import World

    return World(marketing_user)
