"""Each role holds exactly the model permissions its work needs."""

import pytest
from django.contrib.auth.models import Group

from socialops.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def test_the_data_migration_creates_the_four_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize(
    "perm",
    [
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.change_campaignitem",
        "campaigns.add_campaignclaim",
        "catalog.view_sku",
        "promises.view_conflict",
        "insights.view_order",
    ],
)
def test_marketing_plans_campaigns_and_reads_the_rest(marketing_user, perm):
    assert marketing_user.has_perm(perm)


@pytest.mark.parametrize(
    "perm",
    [
        "catalog.change_stocklevel",
        "promises.change_shippingmethod",
        "promises.change_conflict",
        "campaigns.change_channel",
        "auth.add_user",
    ],
)
def test_marketing_cannot_change_operations_truth(marketing_user, perm):
    assert not marketing_user.has_perm(perm)


@pytest.mark.parametrize(
    "perm",
    [
        "catalog.change_stocklevel",
        "catalog.add_sku",
        "promises.change_shippingmethod",
        "promises.add_promocode",
        "promises.change_supportreply",
        "promises.change_conflict",
        "campaigns.view_campaign",
    ],
)
def test_ops_keeps_the_operational_truth_and_works_conflicts(ops_user, perm):
    assert ops_user.has_perm(perm)


@pytest.mark.parametrize(
    "perm",
    [
        "campaigns.change_campaign",
        "campaigns.add_campaignitem",
        "promises.delete_conflict",
        "promises.add_conflict",
        "auth.change_user",
    ],
)
def test_ops_cannot_edit_campaigns_or_fabricate_conflicts(ops_user, perm):
    assert not ops_user.has_perm(perm)


def test_exec_reads_everything_and_changes_nothing(exec_user):
    perms = exec_user.get_all_permissions()
    assert {
        "insights.view_channelmetric",
        "campaigns.view_campaign",
        "promises.view_conflict",
        "catalog.view_sku",
    } <= perms
    assert all(p.split(".")[1].startswith("view_") for p in perms)


def test_admin_role_manages_users_and_everything(admin_user):
    assert admin_user.has_perms(
        [
            "auth.add_user",
            "auth.change_group",
            "campaigns.delete_campaign",
            "promises.delete_shippingmethod",
            "insights.add_order",
        ]
    )


def test_a_user_without_a_group_has_no_role_and_no_permission(outsider):
    assert user_roles(outsider) == set()
    assert outsider.get_all_permissions() == set()


def test_superusers_hold_every_role(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert user_roles(root) == {r.value for r in Role}
