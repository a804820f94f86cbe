"""Which classifier a worker process uses, loaded once per process and refreshed when an
operator activates another version."""

import importlib
import logging
import time
from collections.abc import Callable

from flask import current_app

from service.services import classifier_versions as versions
from service.services.classification import ClassifierSource
from service.services.training import ensure_default_classifier
from workers.classifier import Classifier, KeywordClassifier

logger = logging.getLogger(__name__)


class StaticClassifiers:
    """The same classifier for every site: the keyword backend, tests, plug-ins."""

    def __init__(self, classifier: Classifier):
        self.classifier = classifier

    def for_site(self, site_id: int) -> Classifier:
        """The one classifier."""
        return self.classifier


class DatabaseClassifiers:
    """The active stored version of each site, cached in this process.

    Looking up which version is active is one indexed query, done at most every
    `refresh_seconds` per site; loading a version happens once per process.
    """

    def __init__(self, refresh_seconds: float):
        self.refresh_seconds = refresh_seconds
        self.loaded: dict[int, Classifier] = {}
        self.active: dict[int | None, tuple[int, float]] = {}

    def for_site(self, site_id: int) -> Classifier:
        """The classifier the site uses now."""
        version_id = self.active_version_id(site_id)
        if version_id not in self.loaded:
            logger.info("Loading classifier version %s", version_id)
            self.loaded[version_id] = versions.load_classifier(version_id)
            self.forget_unused()
        return self.loaded[version_id]

    def active_version_id(self, site_id: int) -> int:
        """Id of the version in force for the site, looked up at most every refresh period."""
        cached = self.active.get(site_id)
        now = time.monotonic()
        if cached is not None and now - cached[1] < self.refresh_seconds:
            return cached[0]
        active = versions.get_active_version(site_id)
        if active is None:
            ensure_default_classifier()
            active = versions.get_active_version(site_id)
        assert active is not None  # noqa: S101 - ensure_default_classifier guarantees one
        self.active[site_id] = (active.id, now)
        return active.id

    def forget_unused(self) -> None:
        """Drop versions no site uses any more, so memory stays bounded."""
        in_use = {version_id for version_id, _ in self.active.values()}
        for version_id in list(self.loaded):
            if version_id not in in_use and len(self.loaded) > 1:
                del self.loaded[version_id]


_source: ClassifierSource | None = None


def get_classifiers() -> ClassifierSource:
    """This process's classifier source, built on first use from CLASSIFIER_BACKEND."""
    global _source
    if _source is None:
        _source = build_source(current_app.config["CLASSIFIER_BACKEND"])
    return _source


def build_source(backend: str) -> ClassifierSource:
    """`sklearn` (stored versions), `keyword`, or `module:factory` returning a Classifier."""
    if backend == "sklearn":
        return DatabaseClassifiers(float(current_app.config["CLASSIFIER_REFRESH_SECONDS"]))
    if backend == "keyword":
        return StaticClassifiers(KeywordClassifier())
    module_name, _, attribute = backend.partition(":")
    factory: Callable[[], Classifier] = getattr(importlib.import_module(module_name), attribute)
    return StaticClassifiers(factory())
