"""Which classifier a worker process uses, loaded once per process and refreshed when an
operator activates another version."""

import importlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app

from classifier import Classifier, KeywordClassifier
from service.learning import versions
from service.learning.training import ensure_default_classifier

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
    `refresh_seconds` per site; loading a version happens once per process while it stays
    among the `max_loaded` most recently used (each takes about 10 MB, and every site may
    have a version of its own).
    """

    def __init__(self, refresh_seconds: float, max_loaded: int = 8):
        self.refresh_seconds = refresh_seconds
        self.max_loaded = max(1, max_loaded)
        self.loaded: OrderedDict[int, Classifier] = OrderedDict()
        self.active: dict[int | None, tuple[int, float]] = {}

    def for_site(self, site_id: int) -> Classifier:
        """The classifier the site uses now."""
        version_id = self.active_version_id(site_id)
        classifier = self.loaded.get(version_id)
        if classifier is not None:
            self.loaded.move_to_end(version_id)
            return classifier
        logger.info("Loading classifier version %s", version_id)
        classifier = self.loaded[version_id] = versions.load_classifier(version_id)
        self.forget_unused()
        return classifier

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
        """Drop versions no site uses any more, then the least recently used beyond
        `max_loaded`, so memory stays bounded. The newest load is never dropped."""
        in_use = {version_id for version_id, _ in self.active.values()}
        for version_id in list(self.loaded):
            if version_id not in in_use and len(self.loaded) > 1:
                del self.loaded[version_id]
        while len(self.loaded) > self.max_loaded:
            self.loaded.popitem(last=False)


_source: "DatabaseClassifiers | StaticClassifiers | None" = None


def get_classifiers() -> "DatabaseClassifiers | StaticClassifiers":
    """This process's classifier source, built on first use from CLASSIFIER_BACKEND."""
    global _source
    if _source is None:
        _source = build_source(current_app.config["CLASSIFIER_BACKEND"])
    return _source


def build_source(backend: str) -> "DatabaseClassifiers | StaticClassifiers":
    """`sklearn` (stored versions), `keyword`, or `module:factory` returning a Classifier."""
    if backend == "sklearn":
        return DatabaseClassifiers(
            float(current_app.config["CLASSIFIER_REFRESH_SECONDS"]),
            int(current_app.config["CLASSIFIER_CACHE_SIZE"]),
        )
    if backend == "keyword":
        return StaticClassifiers(KeywordClassifier())
    module_name, _, attribute = backend.partition(":")
    factory: Callable[[], Classifier] = getattr(importlib.import_module(module_name), attribute)
    return StaticClassifiers(factory())
