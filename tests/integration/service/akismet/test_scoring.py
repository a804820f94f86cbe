"""The Akismet process's classifier: loaded before the first check, shared by its threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

import service.learning.classifiers
from classifier import KeywordClassifier
from service.akismet import scoring
from service.learning.classifiers import StaticClassifiers
from tests.support.factories import create_site


class CountingClassifiers:
    """A classifier source that records which sites it was asked for."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.inner = StaticClassifiers(KeywordClassifier())

    def for_site(self, site_id: int) -> KeywordClassifier:
        self.asked.append(site_id)
        return self.inner.for_site(site_id)  # type: ignore[return-value]


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingClassifiers:
    source = CountingClassifiers()
    monkeypatch.setattr(service.learning.classifiers, "_source", source)
    return source


def test_warm_up_loads_the_classifier_of_every_site_with_an_akismet_key(
    app: Flask, counting: CountingClassifiers
) -> None:
    sites = [create_site().site.id for _ in range(3)]
    scoring.warm_up(app)
    assert sorted(counting.asked) == sorted(sites)


def test_warm_up_never_fails_the_process(app: Flask, counting: CountingClassifiers) -> None:
    create_site()
    app.config["CLASSIFIER_CACHE_SIZE"] = "not a number"  # any failure at all
    try:
        scoring.warm_up(app)  # logged, not raised
    finally:
        app.config["CLASSIFIER_CACHE_SIZE"] = 8
    assert counting.asked == []


def test_threads_scoring_at_once_get_what_one_thread_gets(
    app: Flask, counting: CountingClassifiers
) -> None:
    texts = [f"casino {'bitcoin ' * (n % 3)} commento {n}" for n in range(200)]
    expected = [KeywordClassifier().predict(text).score for text in texts]

    def score(text: str) -> float:
        with app.app_context():
            return scoring.CLASSIFIERS.for_site(1).predict(text).score

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(score, texts)) == expected
