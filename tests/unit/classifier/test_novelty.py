"""The familiarity signal: the share of a comment's words the classifier has seen."""

import pytest

from classifier import KeywordClassifier, SklearnClassifier, train_classifier
from classifier.novelty import Familiarity, familiar_words


@pytest.fixture(scope="module")
def familiarity(trained: SklearnClassifier) -> Familiarity:
    return Familiarity(trained.pipeline[:-1])


def word_vectorizer(classifier: SklearnClassifier) -> object:
    return dict(classifier.pipeline.named_steps["union"].transformer_list)["word"]


def test_words_of_two_training_comments_are_familiar_words_of_one_are_not(
    trained: SklearnClassifier,
) -> None:
    words = familiar_words(word_vectorizer(trained))
    assert {"casino", "channel", "free", "the"} <= words  # each in two comments or more
    assert not {"luckyspin", "viagra", "nonna"} & words  # each in one comment
    assert not any(" " in word or ":" in word for word in words)  # no pairs, links, intents


def test_a_text_in_a_language_never_seen_has_no_familiar_words(familiarity: Familiarity) -> None:
    assert familiarity.shares(["Привет всем, отличная статья", "Obrigado pelo pagamento"]) == [
        0.0,
        0.0,
    ]


def test_the_share_counts_distinct_words_after_normalisation(familiarity: Familiarity) -> None:
    [all_known, half, without_words] = familiarity.shares(
        ["FREE   casino CASINO &amp; the channel", "casino casino zorblat", "🙂🙂 !!"]
    )
    assert all_known == 1.0
    assert half == 0.5
    assert without_words is None


def test_without_a_term_seen_once_the_rarest_terms_count_as_unseen() -> None:
    # Document counts are read off the IDF, taking the largest for one comment; a corpus
    # without any term seen once errs on the side of holding comments, not of trusting them.
    texts = ["buy pills now", "buy pills now", "nice song", "nice song"]
    classifier = train_classifier(texts, [1, 1, 0, 0])
    assert familiar_words(word_vectorizer(classifier)) == frozenset()


def test_the_classifier_gives_each_verdict_its_familiarity(trained: SklearnClassifier) -> None:
    [known, unknown] = trained.predict_many(["free casino channel", "Привет всем"])
    assert (known.familiarity, unknown.familiarity) == (1.0, 0.0)


def test_classifiers_without_a_vocabulary_give_no_signal() -> None:
    assert KeywordClassifier().predict("free casino").familiarity is None


def test_single_letters_and_digits_are_not_words(familiarity: Familiarity) -> None:
    # A site name spelt out letter by letter must not make a comment look familiar.
    assert familiarity.shares(["zorblat A L E X I S 1 7", "A L E X I S"]) == [0.0, None]
