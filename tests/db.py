import pytest
from django.db import DataError, IntegrityError, transaction


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
