"""A site's policy in versions: saving, diffs, restoring, roles and the read model."""

import pytest
from flask import Flask

from models import SiteRole
from service.accounts import moderators, policies, sites
from service.accounts.auth import moderator_ref
from service.accounts.policies import NotSiteAdmin
from service.accounts.policy_versions import CLASSIFIER, OPERATOR, PolicyActor, StalePolicy
from service.accounts.sites import SiteNotFound
from service.errors import InvalidInput
from tests.support.factories import create_moderator, create_site


def test_a_new_site_has_version_one_of_its_policy(app: Flask) -> None:
    site = create_site(moderation_mode="pre", auto_reject_above=0.8).site
    current = policies.get_policy(site.slug)
    assert current.version == 1
    assert current.created_by == "operator"
    assert current.document == {
        "moderation_mode": "pre", "auto_approve_below": 0.2, "auto_reject_above": 0.8,
        "hold_unfamiliar_below": 0.5, "close_after_days": None,
    }  # fmt: skip
    assert site.policy_version == 1


def test_setting_a_policy_saves_a_version_with_its_diff_and_updates_the_site(app: Flask) -> None:
    site = create_site().site
    admin = moderator_ref(create_moderator(site, "anna", SiteRole.ADMIN).moderator)
    saved = policies.set_policy(
        site.slug, {"moderation_mode": "pre", "close_after_days": 14},
        PolicyActor.of(admin), moderator=admin,
    )  # fmt: skip
    assert saved.version == 2
    assert saved.created_by == "anna"
    assert saved.created_by_id == admin.id
    assert saved.diff == {
        "moderation_mode": {"before": "post", "after": "pre"},
        "close_after_days": {"before": None, "after": 14},
    }
    assert (site.moderation_mode, site.close_after_days, site.policy_version) == ("pre", 14, 2)


def test_a_plain_moderator_cannot_change_the_policy_but_can_read_it(app: Flask) -> None:
    site = create_site().site
    plain = moderator_ref(create_moderator(site).moderator)
    assert policies.get_policy(site.slug, plain).version == 1
    with pytest.raises(NotSiteAdmin):
        policies.set_policy(site.slug, {"moderation_mode": "pre"}, OPERATOR, moderator=plain)
    assert policies.get_policy(site.slug).version == 1


def test_a_moderator_of_another_site_does_not_find_it(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    stranger = moderator_ref(create_moderator(other, role=SiteRole.ADMIN).moderator)
    with pytest.raises(SiteNotFound):
        policies.get_policy(site.slug, stranger)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"moderation_mode": "sometimes"}, "moderation_mode"),
        ({"auto_approve_below": -0.1}, "auto_approve_below"),
        ({"auto_reject_above": 1.5}, "auto_reject_above"),
        ({"auto_approve_below": 0.95, "auto_reject_above": 0.9}, "auto_approve_below"),
        ({"close_after_days": 0}, "close_after_days"),
        ({"close_after_days": "7"}, "close_after_days"),
        ({"max_links": 2}, "max_links"),
    ],
)
def test_an_invalid_policy_names_the_field_and_changes_nothing(
    app: Flask, document: dict, field: str
) -> None:
    site = create_site().site
    with pytest.raises(InvalidInput) as raised:
        policies.set_policy(site.slug, document, OPERATOR)
    assert field in raised.value.fields
    assert policies.get_policy(site.slug).version == 1
    assert site.moderation_mode == "post"
    assert len(policies.list_versions(site.slug)) == 1


def test_a_stale_expected_version_changes_nothing(app: Flask) -> None:
    site = create_site().site
    policies.set_policy(site.slug, {"moderation_mode": "pre"}, OPERATOR, expected_version=1)
    with pytest.raises(StalePolicy):
        policies.set_policy(site.slug, {"close_after_days": 3}, OPERATOR, expected_version=1)
    assert policies.get_policy(site.slug).document["close_after_days"] is None


def test_a_document_that_changes_nothing_saves_no_version(app: Flask) -> None:
    site = create_site().site
    assert policies.set_policy(site.slug, {}, OPERATOR).version == 1


def test_restoring_a_version_saves_a_new_one_with_its_document(app: Flask) -> None:
    site = create_site().site
    policies.set_policy(site.slug, {"auto_reject_above": 0.7}, OPERATOR)
    policies.set_policy(site.slug, {"moderation_mode": "pre"}, OPERATOR)
    restored = policies.restore_version(site.slug, 1, CLASSIFIER)
    assert restored.version == 4
    assert restored.document == policies.list_versions(site.slug)[-1].document
    assert restored.diff == {"moderation_mode": {"before": "pre", "after": "post"}}
    assert (site.auto_reject_above, site.moderation_mode) == (0.9, "post")
    assert [v.version for v in policies.list_versions(site.slug)] == [4, 3, 2, 1]


def test_updating_a_site_from_the_cli_is_a_version_by_the_operator(app: Flask) -> None:
    site = create_site().site
    sites.update_site(site.slug, auto_approve_below=0.1, akismet_discard=True)
    current = policies.get_policy(site.slug)
    assert current.version == 2
    assert current.created_by == "operator"
    assert current.diff == {"auto_approve_below": {"before": 0.2, "after": 0.1}}
    assert site.akismet_discard is True


def test_a_moderator_is_an_admin_only_where_made_one(app: Flask) -> None:
    first, second = create_site().site, create_site().site
    ref = moderator_ref(create_moderator([first, second], role=SiteRole.MODERATOR).moderator)
    assert not ref.is_admin_of(first.id)
    moderators.set_role(ref.name, first.slug, SiteRole.ADMIN)
    ref = moderator_ref(moderators.get_moderator(ref.name))
    assert ref.is_admin_of(first.id)
    assert not ref.is_admin_of(second.id)
    assert moderators.roles_of(ref.id) == {first.slug: "admin", second.slug: "moderator"}
