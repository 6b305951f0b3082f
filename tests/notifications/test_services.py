"""Who is told what, once per event, one message per recipient; and how sending fails."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from werkzeug import Response

from integrations.choices import SyncRunStatus
from integrations.models import Connection, SyncRun
from notifications import services
from notifications.choices import DeliveryStatus, DestinationKind, NotificationKind
from notifications.destinations import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from notifications.models import Delivery, Subscription
from promises.models import Conflict
from tests.factories import CampaignFactory, ConflictFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(service, *args): call it, then what it left for after commit (the sends)."""

    def call(function, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args)

    return call


def member(role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def blocker(**kwargs):
    kwargs.setdefault("campaign", CampaignFactory(status="live"))
    return ConflictFactory(**kwargs)


def test_each_role_gets_its_default_subscription_once():
    ops = member("ops", username="o", email="o@example.com")
    ops.groups.add(Group.objects.get(name="exec"))
    ops.groups.add(Group.objects.get(name="ops"))  # again: no second default
    defaults = {s.role_default: s for s in ops.subscriptions.all()}
    assert set(defaults) == {"ops", "exec"}
    assert defaults["exec"].kinds == [NotificationKind.DIGEST]
    assert defaults["ops"].severities == ["blocker"] and defaults["ops"].scope == "all"


def test_one_message_per_recipient_for_a_run_and_never_the_same_event_twice(run):
    member("ops", username="o", email="o@example.com")
    conflicts = [blocker() for _ in range(3)]
    ids = [c.pk for c in conflicts]
    assert run(services.notify_conflicts, 1, ids) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("SocialOps: 3 campaigns blocked, 3 new conflicts")
    # The same run told again (a retried task), or a later pass over the same events: nothing.
    assert run(services.notify_conflicts, 1, ids) == 0
    assert len(mail.outbox) == 1
    # Reopened, the conflict is news again.
    conflicts[0].reopened_count = 1
    conflicts[0].save()
    assert run(services.notify_conflicts, 2, ids) == 1
    assert len(mail.outbox) == 2


def test_marketing_hears_of_its_own_campaigns_only_and_warnings_by_choice(run):
    mine = member("marketing", username="m", email="m@example.com")
    blocker(campaign=CampaignFactory(status="live", owner=mine, name="Mine"))
    blocker(campaign=CampaignFactory(status="live", name="Theirs"))
    warning = blocker(campaign=CampaignFactory(owner=mine), severity="warning")
    run(services.notify_conflicts, None, Conflict.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "“Mine”" in body
    assert "Theirs" not in body and warning.campaign.name not in body


def test_a_campaign_already_blocked_is_not_told_as_becoming_blocked(run):
    member("ops", username="o", email="o@example.com")
    campaign = CampaignFactory(status="scheduled")
    blocker(campaign=campaign)
    new = blocker(campaign=campaign)
    run(services.notify_conflicts, 1, [new.pk])
    assert "became blocked" not in mail.outbox[0].body
    assert "1 new conflict" in mail.outbox[0].subject


def test_a_broken_chat_url_fails_its_delivery_with_the_error_and_retries(run, httpserver):
    from notifications.tasks import MAX_ATTEMPTS, send_delivery_task

    ops = UserFactory(username="o")
    Subscription.objects.create(
        user=ops,
        destination=DestinationKind.CHAT,
        target=f"json://127.0.0.1:{httpserver.port}/down",
        kinds=[NotificationKind.NEW_CONFLICT],
    )
    httpserver.expect_request("/down").respond_with_response(Response("no", status=500))
    assert run(services.notify_conflicts, 1, [blocker().pk]) == 1  # the caller goes on
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1
    assert "Internal server error" in delivery.error
    # The worker's last retry gives up and leaves it failed, with the error, for the log.
    send_delivery_task.apply(args=[delivery.pk], retries=MAX_ATTEMPTS - 1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


def test_a_retry_that_gets_through_is_logged_sent(run, httpserver):
    from notifications.tasks import send_delivery_task

    ops = UserFactory(username="o")
    Subscription.objects.create(
        user=ops,
        destination=DestinationKind.CHAT,
        target=f"json://127.0.0.1:{httpserver.port}/flaky",
        kinds=[NotificationKind.NEW_CONFLICT],
    )
    httpserver.expect_oneshot_request("/flaky").respond_with_response(Response("no", status=503))
    httpserver.expect_request("/flaky").respond_with_data("ok")
    run(services.notify_conflicts, 1, [blocker().pk])
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    send_delivery_task.apply(args=[delivery.pk], retries=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    send_delivery_task.apply(args=[delivery.pk], retries=2)  # a duplicate task: not resent
    assert len(httpserver.log) == 2


def test_the_signed_webhook_verifies_by_recomputing_the_hmac(run, httpserver):
    ops = UserFactory(username="o")
    subscription = Subscription.objects.create(
        user=ops,
        destination=DestinationKind.WEBHOOK,
        target=httpserver.url_for("/hook"),
        kinds=[NotificationKind.NEW_CONFLICT],
    )
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    conflict = blocker(message="SERUM-30 has nothing available to promise.")
    run(services.notify_conflicts, 1, [conflict.pk])
    request, _ = httpserver.log[0]
    timestamp = request.headers[TIMESTAMP_HEADER]
    assert request.headers[SIGNATURE_HEADER] == sign(subscription.secret, timestamp, request.data)
    assert request.headers[SIGNATURE_HEADER] != sign("another secret", timestamp, request.data)
    body = json.loads(request.data)
    assert body["kinds"]["new_conflict"][0]["id"] == conflict.pk
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_unsubscribe_token_switches_off_its_subscription_only(run):
    user = member("ops", username="o", email="o@example.com")
    subscription = user.subscriptions.get()
    assert services.unsubscribe("forged") is None
    assert services.unsubscribe(services.unsubscribe_token(subscription)) == subscription
    subscription.refresh_from_db()
    assert not subscription.active
    run(services.notify_conflicts, 1, [blocker().pk])
    assert mail.outbox == []


def test_an_overdue_blocker_is_escalated_to_the_channels_calendar_owner_once(run):
    owner = member("marketing", username="cal", email="cal@example.com")
    member("ops", username="o", email="o@example.com")
    campaign = CampaignFactory(status="live")
    campaign.channel.calendar_owner = owner
    campaign.channel.save()
    overdue = blocker(campaign=campaign, due_at=timezone.now() - timedelta(hours=1))
    blocker(campaign=campaign, due_at=timezone.now() + timedelta(hours=1))  # not yet
    assert run(services.escalate_overdue) == 1
    assert [m.to for m in mail.outbox] == [["cal@example.com"]]
    assert f"/conflicts/{overdue.pk}/" in mail.outbox[0].body
    assert run(services.escalate_overdue) == 0


def test_a_failing_connection_is_told_to_admins_once_per_failing_spell(
    run,
    django_capture_on_commit_callbacks,
):
    member("admin", username="a", email="a@example.com")
    connection = Connection(kind="shopify", name="Store", account_id="x.myshopify.com")
    connection.set_credentials("token")
    connection.save()
    sync = SyncRun.objects.create(
        connection=connection,
        started_at=timezone.now(),
        status=SyncRunStatus.FAILED,
        error="Shopify answered 503.",
    )
    assert run(services.notify_connection_failure, sync.pk) == 1
    assert run(services.notify_connection_failure, sync.pk) == 0
    assert "Store" in mail.outbox[0].subject and "503" in mail.outbox[0].body


def test_the_daily_digest_goes_once_a_day_with_spend_at_risk(run):
    member("exec", username="e", email="e@example.com")
    blocker()
    assert run(services.send_digests) == 1
    assert run(services.send_digests) == 0
    assert "Spend at risk now" in mail.outbox[0].body


def test_send_a_test_reaches_the_destination(run):
    user = member("ops", username="o", email="o@example.com")
    delivery = run(services.send_test, user.subscriptions.get())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.is_test
    assert mail.outbox[0].subject == "SocialOps: test notification"
