from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import SKU
from integrations.models import Connection

pytestmark = pytest.mark.django_db


def test_the_benchmark_syncs_a_generated_store_twice_and_cleans_up():
    out = StringIO()

    call_command("benchmark_shopify_sync", variants=40, stdout=out)

    lines = out.getvalue().splitlines()
    first = next(line for line in lines if "first sync" in line)
    second = next(line for line in lines if "second sync" in line)
    # 10 products, 40 variants, 1 location, 40 stock levels; then nothing changed.
    assert "succeeded: 91 created, 0 updated, 0 unchanged, 0 errors" in first
    assert "succeeded: 0 created, 0 updated, 41 unchanged, 0 errors" in second
    assert not SKU.objects.exists() and not Connection.objects.exists()
