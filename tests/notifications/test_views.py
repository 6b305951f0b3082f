"""/notifications/: my subscriptions, a test, the delivery log; the unsubscribe link."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from notifications import services
from notifications.models import Delivery, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/notifications/"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def olivia(db):
    user = UserFactory(username="olivia", email="olivia@example.com")
    user.groups.add(Group.objects.get(name="ops"))
    return user


def test_the_page_lists_my_subscriptions_and_my_deliveries_only(login, olivia, marketing_user):
    other = Subscription.objects.create(
        user=marketing_user, name="Not mine", destination="email", kinds=["digest"]
    )
    Delivery.objects.create(subscription=other, kind="digest", subject="Their digest", body=".")
    page = login(olivia).get(PAGE).content.decode()
    assert "Ops default (email)" in page and "Not mine" not in page
    assert "Their digest" not in page


def test_admins_see_every_delivery(login, admin_user, marketing_user):
    other = Subscription.objects.create(user=marketing_user, destination="email", kinds=["digest"])
    Delivery.objects.create(subscription=other, kind="digest", subject="Their digest", body=".")
    assert "Their digest" in login(admin_user).get(PAGE).content.decode()


def test_add_edit_and_delete_a_chat_subscription(login, olivia):
    client = login(olivia)
    refused = client.post(
        f"{PAGE}new/", {"destination": "chat", "target": "nonsense://x", "kinds": ["new_conflict"]}
    )
    assert refused.status_code == 400
    assert "apprise" in refused.content.decode()
    made = client.post(
        f"{PAGE}new/",
        {
            "name": "Ops Slack",
            "destination": "chat",
            "target": "slack://T000/B000/XXXX",
            "kinds": ["new_conflict", "overdue"],
            "severities": ["blocker"],
            "scope": "all",
        },
    )
    assert made.status_code == 302
    subscription = Subscription.objects.get(name="Ops Slack")
    assert subscription.user == olivia and subscription.kinds == ["new_conflict", "overdue"]
    assert "XXXX" not in client.get(PAGE).content.decode()  # the URL's secret stays hidden
    client.post(f"{PAGE}{subscription.pk}/delete/")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_someone_elses_subscription_is_a_404(login, olivia, marketing_user):
    theirs = marketing_user.subscriptions.get()
    client = login(olivia)
    assert client.get(f"{PAGE}{theirs.pk}/edit/").status_code == 404
    assert client.post(f"{PAGE}{theirs.pk}/test/").status_code == 404
    assert client.post(f"{PAGE}{theirs.pk}/delete/").status_code == 404


def test_send_a_test_button(login, olivia, django_capture_on_commit_callbacks):
    subscription = olivia.subscriptions.get()
    with django_capture_on_commit_callbacks(execute=True):
        answer = login(olivia).post(f"{PAGE}{subscription.pk}/test/")
    assert answer.status_code == 302
    assert mail.outbox[0].to == ["olivia@example.com"]
    assert "Sent" in login(olivia).get(PAGE).content.decode()


def test_the_unsubscribe_link_works_without_a_login_and_only_on_post(client, olivia):
    subscription = olivia.subscriptions.get()
    url = f"{PAGE}unsubscribe/{services.unsubscribe_token(subscription)}/"
    assert client.get(url).status_code == 200  # a mail scanner's GET changes nothing
    subscription.refresh_from_db()
    assert subscription.active
    assert client.post(url).status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active
    assert client.post(f"{PAGE}unsubscribe/forged/").status_code == 404


def test_the_page_needs_a_login(client):
    assert client.get(PAGE).status_code == 302
