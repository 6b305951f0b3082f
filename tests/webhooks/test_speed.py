"""`manage.py benchmark_webhook` measures the endpoint and leaves nothing behind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import WebhookDelivery


@pytest.mark.django_db
def test_the_webhook_benchmark_prints_its_figures_and_cleans_up():
    out = StringIO()
    call_command("benchmark_webhook", "--posts", "20", stdout=out)
    assert "webhook endpoint over 20 posts: p50" in out.getvalue()
    assert not WebhookDelivery.objects.exists()
