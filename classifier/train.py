"""Train a calibrated `SklearnClassifier` from labelled texts, for everyone or for one site."""

import logging
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from classifier.blend import NBLogisticBlend
from classifier.datasets import LabelledData
from classifier.features import build_features
from classifier.sklearn_classifier import SklearnClassifier

logger = logging.getLogger(__name__)

MAX_CALIBRATION_FOLDS = 5
# Below this many texts, character n-grams seen only once are kept: there are too few to prune.
SMALL_CORPUS = 200
# Weak regularisation: TF-IDF rows are L2-normalised and short, so strong shrinkage underfits.
# Chosen once on the training portions of the YouTube files (see bench/README.md).
REGULARISATION_C = 30.0
# Site retraining: the site's labels together weigh SITE_SHARE of all training weight, so a
# few hundred moderator decisions can overrule thousands of base examples; no single label
# weighs more than MAX_SITE_WEIGHT base examples, so twenty labels cannot swamp the base
# corpus. Both chosen on the YouTube files without the site being simulated (bench/README.md).
SITE_SHARE = 0.5
MAX_SITE_WEIGHT = 10.0


def _check(texts: Sequence[str], labels: Sequence[int], weights: Sequence[float] | None) -> int:
    """Validate inputs and return the number of calibration folds the smaller class allows."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if weights is not None and (len(weights) != len(texts) or min(weights, default=1) <= 0):
        raise ValueError("need one positive sample weight per text")
    counts = Counter(labels)
    if set(counts) - {0, 1}:
        raise ValueError(f"labels must be 0 (ham) or 1 (spam), got {sorted(set(counts))}")
    smaller = min(counts[0], counts[1])
    if smaller < 2:
        raise ValueError(f"need at least 2 spam and 2 ham examples, got {dict(counts)}")
    return min(MAX_CALIBRATION_FOLDS, smaller)


def _calibrated_estimator(folds: int, random_state: int) -> CalibratedClassifierCV:
    # Sigmoid (Platt) rather than isotonic: with a few hundred comments per fold isotonic
    # regression overfits into a step function with long flat runs at exactly 0 and 1, while
    # two parameters are enough to map logistic-regression margins, which are already
    # roughly sigmoid-shaped. ensemble=True averages one calibrated model per fold, which
    # makes the probabilities a little more cautious on text unlike the training data.
    base = NBLogisticBlend(C=REGULARISATION_C)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    return CalibratedClassifierCV(base, method="sigmoid", cv=splitter, ensemble=True)


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    sample_weight: Sequence[float] | None = None,
    progress: bool = False,
    random_state: int = 0,
) -> SklearnClassifier:
    """Fit features and a calibrated linear classifier; `progress` shows a tqdm bar.

    `sample_weight` (one positive number per text, or None for all 1) weighs each text in
    both the classifier and its calibration.
    """
    texts, labels = list(texts), [int(label) for label in labels]
    weights = None if sample_weight is None else [float(w) for w in sample_weight]
    folds = _check(texts, labels, weights)
    min_df = 1 if len(texts) < SMALL_CORPUS else 2
    # One BLAS thread: these problems are small, and OpenBLAS threads spinning against each
    # other (or against a busy Celery worker) made training up to ten times slower.
    with (
        threadpool_limits(limits=1),
        tqdm(total=3, desc="training classifier", unit="stage", disable=not progress) as bar,
    ):
        bar.set_postfix_str("extracting features")
        # Vocabulary and IDF are fitted once on all texts rather than per calibration fold:
        # they use no labels, and one shared feature space keeps scoring to a single pass.
        features = build_features(min_df=min_df)
        matrix = features.fit_transform(texts)
        bar.update()
        bar.set_postfix_str(f"fitting {folds} calibrated folds")
        calibrated = _calibrated_estimator(folds, random_state)
        calibrated.fit(matrix, labels, sample_weight=None if weights is None else np.array(weights))
        bar.update()
        bar.set_postfix_str("building explainer")
        classifier = SklearnClassifier(Pipeline([*features.steps, ("classifier", calibrated)]))
        bar.update()
    logger.info(
        "Trained classifier on %s texts (%s spam), %s features, %s folds",
        len(texts),
        sum(labels),
        matrix.shape[1],
        folds,
    )
    return classifier


def site_label_weight(n_base: int, n_site: int) -> float:
    """Weight of one site label relative to one base example (see SITE_SHARE)."""
    if n_site == 0 or n_base == 0:
        return 1.0
    balanced = SITE_SHARE / (1 - SITE_SHARE) * n_base / n_site
    return float(min(MAX_SITE_WEIGHT, max(1.0, balanced)))


def train_site_classifier(
    base: LabelledData, site: LabelledData, *, progress: bool = False, random_state: int = 0
) -> SklearnClassifier:
    """Train on the base corpus plus a site's moderator labels (approve 0, reject 1).

    Site labels weigh more than base examples (`site_label_weight`), so the classifier
    follows the site's own conventions where they differ from the base corpus. Weights are
    rescaled to average 1, which keeps the regularisation as tuned. Without site labels this
    is `train_classifier` on the base corpus. Raises ValueError, like `train_classifier`, when
    base and site together lack 2 examples of each class.
    """
    if not site.texts:
        return train_classifier(
            base.texts, base.labels, progress=progress, random_state=random_state
        )
    weight = site_label_weight(len(base.texts), len(site.texts))
    weights = np.array([1.0] * len(base.texts) + [weight] * len(site.texts))
    logger.info(
        "Training a site classifier on %s base texts and %s site labels (weight %.2f each)",
        len(base.texts),
        len(site.texts),
        weight,
    )
    return train_classifier(
        base.texts + site.texts,
        base.labels + site.labels,
        sample_weight=weights * len(weights) / weights.sum(),
        progress=progress,
        random_state=random_state,
    )
