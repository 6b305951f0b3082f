"""The fixed cast: one user per role, and an anonymous visitor (the plain `client`)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from socialops.roles import Role
from tests.factories import UserFactory


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Browser tests last, after pytest-django has put transactional tests after the rest.

    Leaving Playwright's sync API changes the contextvars context Django keeps its
    connections in, so a `serialized_rollback` test after a browser test would find no
    serialized database to restore (see tests/browser/conftest.py).
    """
    browser = [item for item in items if "/tests/browser/" in str(item.path)]
    if browser:
        others = [item for item in items if "/tests/browser/" not in str(item.path)]
        items[:] = others + browser


def _member(role: Role):
    user = UserFactory(username=f"{role.value}-user")
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def marketing_user(db):
    return _member(Role.MARKETING)


@pytest.fixture
def ops_user(db):
    return _member(Role.OPS)


@pytest.fixture
def exec_user(db):
    return _member(Role.EXEC)


@pytest.fixture
def admin_user(db):
    return _member(Role.ADMIN)


@pytest.fixture
def outsider(db):
    """A logged-in user with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def login():
    """login(user) -> a Client with that user's session."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A French page leaves French active in the test's thread (the middleware activates the
    reader's language and nothing deactivates it): the next test starts in the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def tasks_in_process():
    """Run Celery tasks in the test's process unless a test starts a real worker.

    `make test` sets REDIS_URL, so without this a task sent on commit would wait in Redis
    for a worker that unit tests do not run.
    """
    from socialops.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 is slow by design; the cast of users would spend seconds hashing per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_operations():
    """Each test's shipping, returns and codes are its own: drop the engine's cached copy
    (tests roll back instead of committing, so the on-commit invalidation never runs)."""
    from promises.checks.loader import forget_operations

    forget_operations()
    yield
    forget_operations()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request answered in French leaves
    French active in the thread after it (Django activates a request's language and does
    not reset it), and code called directly by the next test would write French."""
    yield
    translation.deactivate()
