"""SklearnClassifier: calibrated scores, explanations, serialisation."""

import gc
import math
import pickle
import zlib

import pytest
import sklearn

from classifier import Classifier, SklearnClassifier, Verdict
from classifier.features import FEATURES_VERSION

SPAMMY = "Casino bonus gratis, visit luckyspin.xyz and win"
HAMMY = "I love this song, it brings back memories of Rome"


def test_sklearn_classifier_satisfies_the_classifier_protocol(trained: SklearnClassifier) -> None:
    classifier: Classifier = trained
    assert isinstance(classifier.predict("hello"), Verdict)
    assert trained.version == "unversioned"


def test_scores_are_probabilities(trained: SklearnClassifier) -> None:
    texts = [SPAMMY, HAMMY, "", "😀", "x" * 5000, "ЅРАМ"]
    assert all(0.0 <= verdict.score <= 1.0 for verdict in trained.predict_many(texts))


def test_obvious_spam_scores_higher_than_obvious_ham(trained: SklearnClassifier) -> None:
    spam, ham = trained.predict_many([SPAMMY, HAMMY])
    assert spam.score > 0.5 > ham.score


def test_predict_many_matches_predict_and_keeps_order(trained: SklearnClassifier) -> None:
    texts = [HAMMY, SPAMMY, HAMMY]
    assert trained.predict_many(texts) == [trained.predict(text) for text in texts]


def test_predict_many_of_nothing_is_an_empty_list(trained: SklearnClassifier) -> None:
    assert trained.predict_many([]) == []


def test_cyclic_gc_is_paused_while_scoring_and_restored_after(
    trained: SklearnClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    score_chunk = trained._predict_chunk

    def spy(texts: list[str]) -> list[Verdict]:
        seen.append(gc.isenabled())
        return score_chunk(texts)

    monkeypatch.setattr(trained, "_predict_chunk", spy)
    assert gc.isenabled()
    trained.predict_many([HAMMY, SPAMMY])
    assert seen == [False]
    assert gc.isenabled()


def test_cyclic_gc_comes_back_when_scoring_fails(
    trained: SklearnClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(texts: list[str]) -> list[Verdict]:
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(trained, "_predict_chunk", fail)
    with pytest.raises(RuntimeError):
        trained.predict_many([HAMMY])
    assert gc.isenabled()


def test_scoring_leaves_a_disabled_cyclic_gc_disabled(trained: SklearnClassifier) -> None:
    gc.disable()
    try:
        trained.predict_many([HAMMY])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_explanation_names_the_spammy_word(trained: SklearnClassifier) -> None:
    explanation = trained.predict(SPAMMY).explanation
    assert {"kind": "word", "text": "casino"} in [
        {"kind": item["kind"], "text": item.get("text")} for item in explanation["spam"]
    ]


def test_explanation_lists_at_most_five_signed_features_per_side(
    trained: SklearnClassifier,
) -> None:
    for text in (SPAMMY, HAMMY):
        explanation = trained.predict(text).explanation
        assert set(explanation) == {"spam", "ham"}
        assert len(explanation["spam"]) <= 5
        assert len(explanation["ham"]) <= 5
        assert all(item["weight"] > 0 for item in explanation["spam"])
        assert all(item["weight"] < 0 for item in explanation["ham"])
        weights = [item["weight"] for item in explanation["spam"]]
        assert weights == sorted(weights, reverse=True)


def test_explanation_of_ham_points_at_ham_words(trained: SklearnClassifier) -> None:
    ham_items = trained.predict(HAMMY).explanation["ham"]
    assert any(item["kind"] == "word" for item in ham_items)


def test_round_trip_through_bytes_gives_identical_verdicts(trained: SklearnClassifier) -> None:
    loaded = SklearnClassifier.from_bytes(trained.to_bytes(), version="v7")
    texts = [SPAMMY, HAMMY, "call +39 333 123 4567 NOW!!!"]
    assert loaded.version == "v7"
    assert loaded.predict_many(texts) == trained.predict_many(texts)
    assert not math.isnan(loaded.predict(SPAMMY).score)


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"not a classifier",
        b"moderato-classifier:1\nnot zlib",
        b"moderato-classifier:1\n" + zlib.compress(pickle.dumps({"pipeline": "nope"})),
    ],
)
def test_from_bytes_rejects_foreign_bytes(blob: bytes) -> None:
    with pytest.raises(ValueError, match="classifier artefact"):
        SklearnClassifier.from_bytes(blob)


def test_from_bytes_warns_in_the_log_about_another_scikit_learn_version(
    trained: SklearnClassifier, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {"sklearn_version": "0.0.1", "pipeline": trained.pipeline}
    payload["features_version"] = FEATURES_VERSION
    blob = b"moderato-classifier:1\n" + zlib.compress(pickle.dumps(payload))
    loaded = SklearnClassifier.from_bytes(blob, version="old")
    assert loaded.predict(SPAMMY) == trained.predict(SPAMMY)
    assert "trained with scikit-learn 0.0.1" in caplog.text
    assert "feature code" not in caplog.text


def test_from_bytes_warns_about_artefacts_of_older_feature_code(
    trained: SklearnClassifier, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {"sklearn_version": sklearn.__version__, "pipeline": trained.pipeline}
    blob = b"moderato-classifier:1\n" + zlib.compress(pickle.dumps(payload))
    SklearnClassifier.from_bytes(blob, version="before-versioning")
    assert "trained with feature code version 1-3" in caplog.text
    caplog.clear()
    SklearnClassifier.from_bytes(trained.to_bytes(), version="current")
    assert "feature code" not in caplog.text
