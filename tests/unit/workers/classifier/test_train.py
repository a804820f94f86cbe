"""train_classifier: small and lopsided data, bad input, progress bar, determinism."""

from pathlib import Path

import pytest

from workers.classifier import evaluate_classifier, load_labelled_file, train_classifier

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
