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


ENGLISH_SPAM = [
    "check out my channel and subscribe for free videos",
    "subscribe to my channel for free music every day",
    "visit my channel and win free money now",
    "click here to win free money on my channel",
    "free money now, check out my new channel",
    "win a free phone, visit my channel now",
]
ENGLISH_HAM = [
    "I love this song, it brings back memories",
    "this song is my favourite, great voice",
    "great video, I love the music",
    "the music in this video is great",
    "my kids love this song every morning",
    "this is the best song of the year",
]


def test_text_unlike_the_training_data_is_held_as_unfamiliar_familiar_text_is_decided() -> None:
    from classifier import train_classifier  # scikit-learn: only this test needs it

    english = train_classifier(
        ENGLISH_SPAM + ENGLISH_HAM, [1] * len(ENGLISH_SPAM) + [0] * len(ENGLISH_HAM)
    )
    # Thresholds that decide every score, so only familiarity can hold a comment.
    policy = SitePolicy(auto_reject_above=0.5, auto_approve_below=0.5)
    texts = [
        "I love this song, great music",
        "subscribe to my channel for free money",
        "Olá, o seu pagamento de 250 reais foi confirmado",
        "Привет всем, отличная статья",
    ]
    facts = [CommentFacts(site_id=1, body=text, policy=policy) for text in texts]
    outcome = [a.decision.reason for a in assess(facts, StaticSource(english))]
    assert outcome[0] in ("not_spam", "spam")
    assert outcome[1] in ("not_spam", "spam")
    assert outcome[2:] == ["unfamiliar", "unfamiliar"]


class StaticSource:
    """The same classifier for every site."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    def for_site(self, site_id: int) -> Classifier:
        return self.classifier
