import json

import pytest
from django.urls import reverse

from tests.factories import CampaignFactory, ChannelFactory, ConflictFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    # A port nothing listens on: the probe must fail fast and say so.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_CHECK_TIMEOUT = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.fixture
def database_down(monkeypatch):
    from django.db import OperationalError

    from socialops import health

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(health.connections["default"], "cursor", refuse)


def test_healthz_tells_anonymous_visitors_states_only(client, database_down, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": {"ok": False},
        "broker": {"ok": True},
    }
    assert "db.internal" in caplog.text  # the details go to the log


def test_healthz_gives_admins_the_details(login, admin_user, marketing_user, monkeypatch):
    from socialops import health, views

    down = health.Probe("database", False, 'OperationalError: connection to server "db"', 1.0)
    monkeypatch.setattr(views, "probe_database", lambda: down)
    body = json.loads(login(admin_user).get("/healthz").content)
    assert body["database"]["detail"].startswith("OperationalError: connection to server")
    assert "detail" not in json.loads(login(marketing_user).get("/healthz").content)["database"]


@pytest.mark.parametrize("url", ["/", "/admin/"])
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_login_page_is_public_and_logs_in(client, marketing_user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": marketing_user.username, "password": "secret-pass"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_is_refused_with_a_message(client, marketing_user):
    response = client.post(reverse("login"), {"username": marketing_user.username, "password": "x"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_marketing_home_lists_my_campaigns_with_their_blockers(login, marketing_user):
    mine = CampaignFactory(owner=marketing_user, name="Glow serum launch", status="scheduled")
    ConflictFactory(campaign=mine, severity="blocker")
    CampaignFactory(name="Someone else's campaign", status="scheduled")
    response = login(marketing_user).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Glow serum launch" in content
    assert "Someone else&#x27;s campaign" not in content
    assert '<span class="badge blocker">1</span>' in content
    assert "Conflict queue" not in content


def test_ops_home_shows_the_queue(login, ops_user):
    ConflictFactory(message="Sold out: SERUM-30 has 0 available", severity="blocker")
    ConflictFactory(message="Short on stock", severity="warning", rule_code="STOCK_SHORT")
    response = login(ops_user).get("/")
    content = response.content.decode()
    assert "Sold out: SERUM-30 has 0 available" in content
    assert response.context["queue"]["blockers"] == 1
    assert response.context["queue"]["warnings"] == 1
    assert "My campaigns" not in content


def test_exec_home_shows_the_channel_scorecard(login, exec_user):
    tiktok = ChannelFactory(name="TikTok Shop")
    OrderFactory(channel=tiktok, gross=100, discounts=10, refunded=20)
    OrderFactory(channel=tiktok, gross=50)
    response = login(exec_user).get("/")
    scorecard = {c.name: c for c in response.context["scorecard"]}
    assert scorecard["TikTok Shop"].net_revenue == 120
    assert scorecard["TikTok Shop"].order_count == 2
    assert "Channel scorecard" in response.content.decode()


def test_a_user_without_a_role_is_told_so(login, outsider):
    response = login(outsider).get("/")
    assert b"no role yet" in response.content


def test_admin_lists_load_for_every_model(login, django_user_model):
    from django.contrib import admin

    root = django_user_model.objects.create_superuser("root", password="x")
    client = login(root)
    CampaignFactory()
    ConflictFactory()
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url, {"q": "x"})
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_a_refused_page_says_why_with_the_menu(login, outsider):
    response = login(outsider).get("/runs/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not do this" in page and "has no role yet" in page
    assert 'href="/"' in page
