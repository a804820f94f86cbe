"""KeywordClassifier: the deterministic stand-in used in development and unit tests."""

from classifier import Classifier, KeywordClassifier


def test_keyword_classifier_scores_zero_without_spam_words() -> None:
    verdict = KeywordClassifier().predict("Che bella canzone")
    assert verdict.score == 0.0
    assert verdict.explanation == {"spam": [], "ham": []}


def test_keyword_classifier_scores_rise_with_each_matched_word() -> None:
    classifier = KeywordClassifier()
    one, two = classifier.predict_many(["Casino tonight", "Casino gratis, clicca qui"])
    assert one.score == 0.5
    assert 0.5 < two.score < 1.0


def test_keyword_classifier_explains_with_the_matched_words() -> None:
    verdict = KeywordClassifier().predict("FREE  v\u200biagra at the c\u0430sino")
    assert verdict.explanation["spam"] == [
        {"kind": "word", "text": word, "weight": 1.0} for word in ("casino", "free", "viagra")
    ]


def test_keyword_classifier_takes_its_own_word_list_and_version() -> None:
    classifier: Classifier = KeywordClassifier(["Pizza"], version="test")
    assert classifier.version == "test"
    assert classifier.predict("pizza time").score == 0.5
    assert classifier.predict("casino").score == 0.0


def test_keyword_classifier_is_deterministic() -> None:
    texts = ["casino", "hello", "free money"]
    assert KeywordClassifier().predict_many(texts) == KeywordClassifier().predict_many(texts)
