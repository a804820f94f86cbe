"""Suggesting a site's thresholds from its labelled history."""

from dataclasses import dataclass

import numpy as np

from models import Site, SitePolicyVersion
from service.accounts.policy_versions import CLASSIFIER, update_policy
from service.errors import Conflict
from service.learning import corpus, versions


class NotEnoughLabels(Conflict):
    code = "not_enough_labels"
    message = "The site needs moderator decisions of both kinds first."


@dataclass(frozen=True)
class ThresholdSuggestion:
    """Thresholds and what they would have done on the site's labelled history."""

    auto_reject_above: float
    auto_approve_below: float
    false_positive_rate: float  # share of legitimate comments that would be auto-rejected
    missed_spam_rate: float  # share of rejected comments that would be auto-approved
    automated_share: float  # share of comments decided without a human
    n_labels: int
    version: str


def suggest_thresholds(
    site: Site, *, max_false_positive: float, max_missed_spam: float
) -> ThresholdSuggestion:
    """The lowest reject threshold blocking at most `max_false_positive` of legitimate
    comments, and the highest approve threshold letting through at most `max_missed_spam`
    of the comments moderators rejected, scored with the version in force for the site."""
    labels = corpus.get_site_labels(site.id)
    if len(set(labels.labels)) < 2:
        raise NotEnoughLabels()
    active = versions.get_active_version(site.id)
    if active is None:
        raise NotEnoughLabels("No classifier is in force yet.")
    classifier = versions.load_classifier(active.id)
    scores = np.array([v.score for v in classifier.predict_many(labels.texts)])
    spam = np.array(labels.labels) == 1
    reject = lowest_threshold_within(scores[~spam], max_false_positive)
    approve = highest_threshold_within(scores[spam], max_missed_spam, below=reject)
    automated = (scores >= reject) | (scores < approve)
    return ThresholdSuggestion(
        auto_reject_above=reject,
        auto_approve_below=approve,
        false_positive_rate=float(np.mean(scores[~spam] >= reject)),
        missed_spam_rate=float(np.mean(scores[spam] < approve)),
        automated_share=float(np.mean(automated)),
        n_labels=len(labels.labels),
        version=active.version,
    )


def apply_suggestion(site: Site, suggestion: ThresholdSuggestion) -> SitePolicyVersion:
    """Put suggested thresholds in force, as a version of the site's policy by `classifier`
    (the policy service is the only writer of a site's thresholds)."""
    return update_policy(
        site,
        {
            "auto_reject_above": suggestion.auto_reject_above,
            "auto_approve_below": suggestion.auto_approve_below,
        },
        CLASSIFIER,
    )


GRID = np.round(np.arange(0.01, 1.0, 0.01), 2)


def lowest_threshold_within(ham_scores: np.ndarray, max_rate: float) -> float:
    """Smallest grid value t with share(ham >= t) <= max_rate."""
    for t in GRID:
        if np.mean(ham_scores >= t) <= max_rate:
            return float(t)
    return 1.0


def highest_threshold_within(spam_scores: np.ndarray, max_rate: float, below: float) -> float:
    """Largest grid value t < `below` with share(spam < t) <= max_rate."""
    best = 0.0
    for t in GRID[below > GRID]:
        if np.mean(spam_scores < t) <= max_rate:
            best = float(t)
    return best
