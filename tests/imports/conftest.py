"""Helpers for import tests: the real sample files, and small CSVs written by the test."""

from __future__ import annotations

import csv
import io
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from common.csvimport.runner import run_import
from promises import triggers
from tests.promises.conftest import world  # noqa: F401 - the small store of the engine tests

# ../shared/formats beside the repository; FORMATS_DIR points elsewhere (a git worktree).
SAMPLES = (
    Path(os.environ.get("FORMATS_DIR") or Path(settings.BASE_DIR).parent / "shared" / "formats")
    / "shopify"
)


def sample(name: str) -> Path:
    """A real sample file from ../shared/formats/shopify/, or skip when it is not there."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample file {path} is absent (the shared formats folder is not mounted)")
    return path


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def run(importer, data: bytes | Path, **options):
    """Run an importer over bytes or a file path."""
    if isinstance(data, Path):
        with data.open("rb") as binary:
            return run_import(importer, binary, **options)
    return run_import(importer, io.BytesIO(data), **options)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the block, then what would run when it commits (re-checks).

    Re-checks the test's setup queued are dropped first: what runs is what the block asked for.
    """

    @contextmanager
    def block():
        connection = transaction.get_connection()
        connection.run_on_commit = [
            entry
            for entry in connection.run_on_commit
            if not isinstance(entry[1], triggers._Recheck)
        ]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
