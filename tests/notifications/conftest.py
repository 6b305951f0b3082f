from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from notifications.choices import DestinationKind, NotificationKind
from notifications.models import Subscription
from promises import triggers
from tests.factories import ChannelMetricFactory, UserFactory
from tests.promises.conftest import World


class LiveWorld(World):
    """World's store, with its campaign live for two days and spending 80 a day."""

    def __init__(self, marketing_user):
        super().__init__(marketing_user)
        with triggers.suspended():
            self.campaign.status = "live"
            self.campaign.starts_at = timezone.now() - timedelta(days=2)
            self.campaign.ends_at = timezone.now() + timedelta(days=12)
            self.campaign.stop_min_roas = None
            self.campaign.objective = "branding"
            self.campaign.save()
            for days_ago in (1, 2):
                ChannelMetricFactory(
                    channel=self.channel,
                    campaign=self.campaign,
                    date=timezone.localdate() - timedelta(days=days_ago),
                    spend=Decimal("80.00"),
                )


@pytest.fixture
def live(db, marketing_user):
    return LiveWorld(marketing_user)


@pytest.fixture
def ops(db):
    """An ops user with an email address: the role's default subscription emails them."""
    user = UserFactory(username="olivia", email="olivia@example.com")
    user.groups.add(Group.objects.get(name="ops"))
    return user


@pytest.fixture
def chat(ops, httpserver):
    """A chat subscription of the ops user, through apprise's JSON service, to a local server."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    return Subscription.objects.create(
        user=ops,
        name="Ops chat",
        destination=DestinationKind.CHAT,
        target=f"json://127.0.0.1:{httpserver.port}/hook",
        kinds=[NotificationKind.NEW_CONFLICT, NotificationKind.CAMPAIGN_BLOCKED],
        severities=["blocker"],
    )
