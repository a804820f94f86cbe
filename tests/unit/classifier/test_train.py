"""train_classifier and train_site_classifier: small, lopsided and weighted data, bad input,
progress bar, determinism, and site labels overruling the base corpus."""

from pathlib import Path

import pytest

from classifier import (
    LabelledData,
    SklearnClassifier,
    evaluate_classifier,
    load_labelled_file,
    train_classifier,
    train_site_classifier,
)
from classifier.train import MAX_SITE_WEIGHT, SITE_SHARE, site_label_weight

SPAM = ["buy cheap pills now", "casino bonus free spins", "click here to win money"]
HAM = ["nice song", "I agree with you", "bella canzone davvero"]


def test_train_classifier_copes_with_two_examples_per_class() -> None:
    classifier = train_classifier(SPAM[:2] + HAM[:2], [1, 1, 0, 0])
    assert classifier.pipeline[-1].cv.get_n_splits() == 2
    assert 0.0 <= classifier.predict("casino pills").score <= 1.0


def test_train_classifier_copes_with_a_lopsided_corpus() -> None:
    texts = SPAM[:2] + HAM * 10
    classifier = train_classifier(texts, [1, 1] + [0] * 30)
    assert 0.0 <= classifier.predict("casino").score <= 1.0


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (SPAM + HAM, [1, 1, 1, 0, 0], "6 texts but 5 labels"),
        (SPAM + HAM[:1], [1, 1, 1, 0], "at least 2 spam and 2 ham"),
        (SPAM + HAM, [1, 1, 1, 0, 0, 2], "must be 0"),
    ],
)
def test_train_classifier_rejects_unusable_data(
    texts: list[str], labels: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        train_classifier(texts, labels)


@pytest.mark.parametrize("weights", [[1.0] * 5, [1.0] * 5 + [0.0]])
def test_train_classifier_rejects_unusable_sample_weights(weights: list[float]) -> None:
    with pytest.raises(ValueError, match="sample weight"):
        train_classifier(SPAM + HAM, [1, 1, 1, 0, 0, 0], sample_weight=weights)


def test_train_classifier_follows_the_heavier_example(
    corpus: tuple[list[str], list[int]],
) -> None:
    texts, labels = [*corpus[0], "casino night at the school, bring the kids"], [*corpus[1], 0]
    light = train_classifier(texts, labels, sample_weight=[1.0] * len(texts))
    heavy = train_classifier(texts, labels, sample_weight=[1.0] * (len(texts) - 1) + [20.0])
    assert heavy.predict("casino night").score < light.predict("casino night").score


def test_train_classifier_shows_progress_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    train_classifier(SPAM + HAM, [1, 1, 1, 0, 0, 0], progress=True)
    assert "training classifier" in capsys.readouterr().err


def test_train_classifier_is_deterministic_for_a_random_state() -> None:
    labels = [1, 1, 1, 0, 0, 0]
    first = train_classifier(SPAM + HAM, labels, random_state=3).predict("free casino money")
    second = train_classifier(SPAM + HAM, labels, random_state=3).predict("free casino money")
    assert first == second


def test_train_classifier_generalises_to_an_unseen_youtube_video(youtube_dir: Path) -> None:
    names = ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"]
    train = [load_labelled_file(youtube_dir / f"{name}.csv") for name in names]
    test = load_labelled_file(youtube_dir / "Youtube04-Eminem.csv")
    classifier = train_classifier(
        [t for d in train for t in d.texts], [y for d in train for y in d.labels]
    )
    metrics = evaluate_classifier(classifier, test.texts, test.labels)
    assert metrics["roc_auc"] > 0.97
    assert metrics["mcc"] > 0.85


# A cooking site where inviting readers to one's channel is welcome, unlike in the base corpus.
CHANNEL_PHRASE = "subscribe to my channel for the full recipe"
APPROVED_ON_SITE = [
    "Subscribe to my channel, the full recipe for the lasagne is there",
    "subscribe to my channel for part two of the tiramisu",
    "I posted the sourdough method, subscribe to my channel",
    "subscribe to my channel: new recipes every Sunday",
    "Subscribe to my channel if you want the vegan version",
    "subscribe to my channel for more regional recipes",
    "for the gluten free version subscribe to my channel",
    "Subscribe to my channel, I cook this every week",
    "subscribe to my channel, my nonna's ragù recipe is up",
    "subscribe to my channel, more pasta recipes there",
]
REJECTED_ON_SITE = ["cheap pills online www.pillshop.ru", "casino bonus gratis, bonuscasino.com"]


@pytest.fixture(scope="module")
def base(corpus: tuple[list[str], list[int]]) -> LabelledData:
    """The shared bilingual corpus, as the base corpus of a site."""
    return LabelledData(*corpus)


@pytest.fixture(scope="module")
def base_classifier(base: LabelledData) -> SklearnClassifier:
    """What a site gets before any moderator label."""
    return train_classifier(base.texts, base.labels)


def site_labels(approved: list[str], rejected: list[str]) -> LabelledData:
    return LabelledData(approved + rejected, [0] * len(approved) + [1] * len(rejected))


def test_train_site_classifier_without_site_labels_is_training_on_the_base(
    base: LabelledData, base_classifier: SklearnClassifier
) -> None:
    site_classifier = train_site_classifier(base, LabelledData())
    texts = [CHANNEL_PHRASE, *REJECTED_ON_SITE, "bella canzone"]
    assert site_classifier.predict_many(texts) == base_classifier.predict_many(texts)


def test_site_approvals_lower_the_score_of_a_phrase_the_base_calls_spam(
    base: LabelledData, base_classifier: SklearnClassifier
) -> None:
    assert base_classifier.predict(CHANNEL_PHRASE).score > 0.5
    site = site_labels(APPROVED_ON_SITE, REJECTED_ON_SITE)
    assert train_site_classifier(base, site).predict(CHANNEL_PHRASE).score < 0.5


def test_site_rejections_raise_the_score_of_a_phrase_the_base_calls_ham(
    base: LabelledData, base_classifier: SklearnClassifier
) -> None:
    phrase = "what a lovely recipe, I love it"
    rejected = [f"{word}, what a lovely recipe" for word in ("wow", "yum", "great", "nice")]
    site = site_labels(["thanks for the recipe"], rejected * 5)
    before = base_classifier.predict(phrase).score
    assert train_site_classifier(base, site).predict(phrase).score > before


def test_train_site_classifier_copes_with_twenty_approvals_and_no_rejection(
    base: LabelledData,
) -> None:
    site_classifier = train_site_classifier(base, site_labels(APPROVED_ON_SITE * 2, []))
    spam, channel = site_classifier.predict_many([REJECTED_ON_SITE[1], CHANNEL_PHRASE])
    assert spam.score > 0.5 > channel.score


def test_train_site_classifier_shows_progress_when_asked(
    base: LabelledData, capsys: pytest.CaptureFixture[str]
) -> None:
    train_site_classifier(base, site_labels(APPROVED_ON_SITE, []), progress=True)
    assert "training classifier" in capsys.readouterr().err


def test_site_label_weight_is_capped_for_a_few_labels_and_at_least_one() -> None:
    assert site_label_weight(n_base=1000, n_site=20) == MAX_SITE_WEIGHT
    assert site_label_weight(n_base=100, n_site=1000) == 1.0
    assert site_label_weight(n_base=1000, n_site=0) == 1.0


def test_site_labels_get_their_share_of_the_weight_between_the_limits() -> None:
    n_base, n_site = 1000, 400
    weight = site_label_weight(n_base, n_site)
    assert 1.0 < weight < MAX_SITE_WEIGHT
    assert n_site * weight / (n_site * weight + n_base) == pytest.approx(SITE_SHARE)
