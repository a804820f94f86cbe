"""The classifier of this process, shared by its request threads.

The Akismet process scores in-process (docs/akismet.md): each gunicorn
worker loads the site's classifier version once, like a Celery worker does. The version cache
(`DatabaseClassifiers`) was written for one thread, so lookups and scoring take a lock; a
score is short and holds the GIL anyway, so threads lose nothing by waiting.
"""

import logging
import threading
from collections.abc import Sequence

from flask import Flask
from sqlalchemy import select

from classifier import Classifier, Verdict
from models import Site
from service.extensions import db
from service.learning.classifiers import get_classifiers

logger = logging.getLogger(__name__)

_lock = threading.Lock()


class SerialisedClassifiers:
    """The process's classifier source, one thread at a time."""

    def for_site(self, site_id: int) -> Classifier:
        """The site's classifier, scoring under the lock."""
        with _lock:
            return SerialisedClassifier(get_classifiers().for_site(site_id))


class SerialisedClassifier:
    """A classifier whose calls hold the process's scoring lock."""

    def __init__(self, inner: Classifier):
        self.inner, self.version = inner, inner.version

    def predict_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Score a batch under the lock."""
        with _lock:
            return self.inner.predict_many(texts)

    def predict(self, text: str) -> Verdict:
        """Score one text under the lock."""
        return self.predict_many([text])[0]


CLASSIFIERS = SerialisedClassifiers()


def warm_up(app: Flask) -> None:
    """Load the classifier of every site with an Akismet key (as many as the process keeps)
    before the first check: a load takes longer than the clients' 1 s timeout on a busy
    host. A failure (say, the database is not up yet) is logged; checks load on demand."""
    try:
        with app.app_context():
            limit = int(app.config["CLASSIFIER_CACHE_SIZE"])
            query = select(Site.id).where(Site.akismet_key_hash.is_not(None)).limit(limit)
            for site_id in db.session.scalars(query):
                CLASSIFIERS.for_site(site_id)
    except Exception:  # deliberately broad: warming up is an optimisation, never fatal
        logger.warning("Could not load the classifiers ahead of the first check", exc_info=True)
