"""A feed fetch announces the channel's catalog sync, saying whether it ended a stale spell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.feeds.services import record_feed_fetch
from campaigns.models import Channel
from campaigns.signals import channel_catalog_synced
from tests.factories import ChannelFactory
from tests.signals import sent

pytestmark = pytest.mark.django_db


def test_a_feed_fetch_announces_the_sync_and_whether_it_was_stale():
    channel = ChannelFactory(last_catalog_sync_at=None, catalog_sync_max_age_hours=24)
    with sent(channel_catalog_synced) as calls:
        record_feed_fetch(channel)  # never synced before
        record_feed_fetch(channel)  # a moment later
        channel.last_catalog_sync_at = timezone.now() - timedelta(hours=25)
        record_feed_fetch(channel)
    assert [(c["sender"], c["channel_id"], c["was_stale"]) for c in calls] == [
        (Channel, channel.pk, True),
        (Channel, channel.pk, False),
        (Channel, channel.pk, True),
    ]
