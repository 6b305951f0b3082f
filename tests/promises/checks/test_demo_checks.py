"""run_checks on the demo flags each planted mistake with the right rule, and nothing that
is fine (apart from the governance warnings the demo plants on purpose)."""

from collections import defaultdict

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from promises.models import Conflict
from promises.services import CampaignBlocked, change_campaign_status
from socialops.demo import CHANNEL_GOVERNANCE_WARNINGS, PLANTED_MISTAKES, PLANTED_SIDE_EFFECTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--force", verbosity=0)


def standing_rules() -> dict[str, set[str]]:
    found = defaultdict(set)
    for name, rule in Conflict.objects.standing().values_list("campaign__name", "rule_code"):
        found[name].add(rule)
    return found


def test_each_planted_mistake_is_flagged_with_its_rule(demo):
    found = standing_rules()
    for campaign, rules in PLANTED_MISTAKES.items():
        assert set(rules) <= found[campaign], campaign


def test_nothing_else_is_flagged(demo):
    found = standing_rules()
    channel_of = dict(Campaign.objects.values_list("name", "channel__name"))
    for campaign, rules in found.items():
        allowed = (
            set(PLANTED_MISTAKES.get(campaign, []))
            | set(PLANTED_SIDE_EFFECTS.get(campaign, []))
            | set(CHANNEL_GOVERNANCE_WARNINGS.get(channel_of[campaign], []))
        )
        assert rules <= allowed, (campaign, rules - allowed)


def test_loading_the_demo_again_changes_no_conflict(demo):
    before = list(Conflict.objects.order_by("pk").values_list("pk", "state", "updated_at"))
    call_command("load_demo", "--force", verbosity=0)
    assert list(Conflict.objects.order_by("pk").values_list("pk", "state", "updated_at")) == before


def test_a_blocked_demo_campaign_cannot_be_scheduled(demo, marketing_user):
    name = next(n for n, rules in PLANTED_MISTAKES.items() if "DISCLOSURE_MISSING" in rules)
    campaign = Campaign.objects.get(name=name)
    assert campaign.status == "in_review"
    with pytest.raises(CampaignBlocked) as blocked:
        change_campaign_status(campaign, "scheduled", marketing_user)
    assert "DISCLOSURE_MISSING" in {b.rule_code for b in blocked.value.blockers}
