import pytest
from django.db import DataError, IntegrityError, connection, transaction


class refused:
    """The statement inside must be refused by the database (constraint or column type).

    Wraps it in a savepoint so the test's transaction stays usable on PostgreSQL.
    """

    def __enter__(self):
        self._raises = pytest.raises((IntegrityError, DataError))
        self._raises.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, *exc):
        suppress_atomic = self._atomic.__exit__(*exc)
        if exc[0] is None and not suppress_atomic:
            return self._raises.__exit__(None, None, None)
        return self._raises.__exit__(*exc)


def database_url(name: str | None = None) -> str:
    """DATABASE_URL of the test database (or of another database `name` on its server), for a
    subprocess (a Celery worker, a management command) that must read what the test wrote."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{name or db['NAME']}"
