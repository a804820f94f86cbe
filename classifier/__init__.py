"""Spam classification for Moderato: pure Python and scikit-learn, no Flask and no database.

A leaf library: it imports nothing of the application (Flask, SQLAlchemy, `models`,
`service`, `workers`). The light names (the interface, the data sets, the keyword classifier)
load at once. The scikit-learn parts load on first use (PEP 562 `__getattr__`), so a process
that only needs `Verdict` or `Classifier`, such as the web process, never pays for importing
scikit-learn, SciPy or matplotlib.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from classifier.datasets import LabelledData, load_labelled_file, load_seed_corpus
from classifier.download import download_corpus
from classifier.interface import Classifier, Verdict
from classifier.keyword import KeywordClassifier
from classifier.normalise import normalise_text

if TYPE_CHECKING:
    from classifier.metrics import automation_rate, evaluate_classifier
    from classifier.sklearn_classifier import SklearnClassifier
    from classifier.train import train_classifier, train_site_classifier

# Heavy names and the module that defines each: imported when first asked for.
_LAZY = {
    "SklearnClassifier": "classifier.sklearn_classifier",
    "automation_rate": "classifier.metrics",
    "evaluate_classifier": "classifier.metrics",
    "train_classifier": "classifier.train",
    "train_site_classifier": "classifier.train",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Classifier",
    "KeywordClassifier",
    "LabelledData",
    "SklearnClassifier",
    "Verdict",
    "automation_rate",
    "download_corpus",
    "evaluate_classifier",
    "load_labelled_file",
    "load_seed_corpus",
    "normalise_text",
    "train_classifier",
    "train_site_classifier",
]
