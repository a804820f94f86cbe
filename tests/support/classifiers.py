"""Classifiers that worker processes load by import path (CLASSIFIER_BACKEND=module:factory)."""

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from classifier import Classifier, KeywordClassifier, Verdict

SLOW_MARKER_ENV = "MODERATO_TEST_SLOW_MARKER"


class SlowOnce:
    """Hangs on its first batch, after leaving a marker file, so a test can kill the worker
    while the task is in flight."""

    version = "slow-once"

    def __init__(self, marker: Path):
        self.marker = marker
        self.inner = KeywordClassifier()

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        if not self.marker.exists():
            self.marker.write_text(str(os.getpid()))
            time.sleep(600)
        return self.inner.predict_many(texts)

    def predict(self, text: str) -> Verdict:
        return self.predict_many([text])[0]


class Slow:
    """Takes a second over every batch, so a worker holds its tasks unacknowledged a while."""

    version = "slow"
    SECONDS = 1.0

    def __init__(self) -> None:
        self.inner = KeywordClassifier()

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        time.sleep(self.SECONDS)
        return self.inner.predict_many(texts)

    def predict(self, text: str) -> Verdict:
        return self.predict_many([text])[0]


class AlwaysFails:
    """Raises on every call, to exercise retries and their terminal state."""

    version = "always-fails"

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        raise RuntimeError("classifier exploded")

    def predict(self, text: str) -> Verdict:
        raise RuntimeError("classifier exploded")


class FixedScores:
    """A classifier that returns preset scores, to pin the policy's inputs."""

    version = "fixed-1"

    def __init__(self, scores: dict[str, float]):
        self.scores = scores

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        return [Verdict(self.scores[t], explanation_of(t)) for t in texts]

    def predict(self, text: str) -> Verdict:
        return self.predict_many([text])[0]


def explanation_of(text: str) -> dict:
    """The explanation `FixedScores` gives for `text`."""
    return {"spam": [{"feature": f"word: {text}", "weight": 1.5}], "ham": []}


def slow_once() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:slow_once."""
    return SlowOnce(Path(os.environ[SLOW_MARKER_ENV]))


def slow() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:slow."""
    return Slow()


def always_fails() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:always_fails."""
    return AlwaysFails()


RECORD_ENV = "MODERATO_TEST_RECORD"
POISON = "POISON"


class Recording:
    """The keyword classifier, writing one line per `predict_many` call (the texts it got) to
    a file, so a test can count a worker's batches. Optionally it raises on every call, or on
    calls that include a text with `POISON` in it."""

    version = "recording"

    def __init__(self, record: Path, fail: str | None = None):
        self.record, self.fail = record, fail
        self.inner = KeywordClassifier()

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        with self.record.open("a") as record:
            record.write(json.dumps(list(texts)) + "\n")
        if self.fail == "always" or (self.fail == "poison" and any(POISON in t for t in texts)):
            raise RuntimeError("classifier exploded")
        return self.inner.predict_many(texts)

    def predict(self, text: str) -> Verdict:
        return self.predict_many([text])[0]


def recorded_calls(record: Path) -> list[list[str]]:
    """The texts of every `predict_many` call a `Recording` classifier wrote to `record`."""
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


def recording() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:recording."""
    return Recording(Path(os.environ[RECORD_ENV]))


def recording_always_fails() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:recording_always_fails."""
    return Recording(Path(os.environ[RECORD_ENV]), fail="always")


def recording_fails_on_poison() -> Classifier:
    """Factory for CLASSIFIER_BACKEND=tests.support.classifiers:recording_fails_on_poison."""
    return Recording(Path(os.environ[RECORD_ENV]), fail="poison")
