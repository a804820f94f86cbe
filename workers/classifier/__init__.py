"""Spam classification for Moderato: pure Python and scikit-learn, no Flask and no database."""

from workers.classifier.datasets import (
    LabelledData,
    download_corpus,
    load_labelled_file,
    load_seed_corpus,
)
from workers.classifier.interface import Classifier, Verdict
from workers.classifier.keyword import KeywordClassifier
from workers.classifier.metrics import automation_rate, evaluate_classifier
from workers.classifier.normalise import normalise_text
from workers.classifier.sklearn_classifier import SklearnClassifier
from workers.classifier.train import train_classifier, train_site_classifier

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
