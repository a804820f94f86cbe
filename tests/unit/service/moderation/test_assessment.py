"""The decision core runs on comment facts, stored or not: no database, no I/O."""

from classifier import Classifier
from service.moderation.assessment import assess
from service.moderation.facts import CommentFacts
from service.moderation.policy import SitePolicy
from tests.support.classifiers import FixedScores

SCORES = {"spam": 0.95, "ham": 0.05, "unsure": 0.5}


class PerSite:
    """A classifier source with one classifier per site, recording which site asked."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def for_site(self, site_id: int) -> Classifier:
        self.asked.append(site_id)
        return FixedScores(SCORES)


def test_facts_that_are_not_stored_yet_are_scored_and_decided() -> None:
    facts = [CommentFacts(site_id=1, body=text, policy=SitePolicy()) for text in SCORES]
    decisions = [
        (a.facts.body, a.decision.status, a.scored.score) for a in assess(facts, PerSite())
    ]
    assert decisions == [
        ("spam", "rejected", 0.95),
        ("ham", "approved", 0.05),
        ("unsure", "pending", 0.5),
    ]


def test_each_site_is_scored_in_one_batch_with_its_own_policy() -> None:
    source = PerSite()
    pre = SitePolicy(moderation_mode="pre")
    facts = [
        CommentFacts(site_id=1, body="ham", policy=SitePolicy()),
        CommentFacts(site_id=2, body="ham", policy=pre),
        CommentFacts(site_id=1, body="spam", policy=SitePolicy()),
    ]
    outcome = {(a.facts.site_id, a.facts.body): a.decision.reason for a in assess(facts, source)}
    assert outcome == {(1, "ham"): "not_spam", (2, "ham"): "pre_moderation", (1, "spam"): "spam"}
    assert sorted(source.asked) == [1, 2]  # one classifier lookup (and batch) per site
