"""The decision core: comment facts in, a scored decision out. No writes.

The worker runs it on stored comments (`classify`), `moderato rescore` on the review queue, and
synchronous callers on facts that are not stored yet. Site rules will plug in here.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from classifier import Classifier
from service.moderation.facts import CommentFacts
from service.moderation.policy import Decision, decide


class ClassifierSource(Protocol):
    """Gives the classifier to use for a site (each site may have its own version)."""

    def for_site(self, site_id: int) -> Classifier: ...


@dataclass(frozen=True)
class Scored:
    """A classifier's verdict as it is stored: score, version and explanation."""

    score: float
    classifier_version: str
    explanation: dict | None


@dataclass(frozen=True)
class Assessment:
    """The facts, the classifier's verdict on them and the policy's decision."""

    facts: CommentFacts
    scored: Scored
    decision: Decision


def assess(facts: Sequence[CommentFacts], classifiers: ClassifierSource) -> list[Assessment]:
    """Score every comment, one vectorised call per site, and apply each site's policy,
    which holds the comments whose words the site's classifier has not seen."""
    assessments = []
    for site_id, site_facts in group_by_site(facts).items():
        classifier = classifiers.for_site(site_id)
        verdicts = classifier.predict_many([f.body for f in site_facts])
        for fact, verdict in zip(site_facts, verdicts, strict=True):
            scored = Scored(verdict.score, classifier.version, verdict.explanation)
            decision = decide(verdict.score, fact.policy, verdict.familiarity)
            assessments.append(Assessment(fact, scored, decision))
    return assessments


def group_by_site(facts: Sequence[CommentFacts]) -> dict[int, list[CommentFacts]]:
    """Facts keyed by site, so each site's classifier scores its comments in one batch."""
    groups: dict[int, list[CommentFacts]] = defaultdict(list)
    for fact in facts:
        groups[fact.site_id].append(fact)
    return groups
