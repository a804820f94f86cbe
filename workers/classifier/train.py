"""Train a calibrated `SklearnClassifier` from labelled texts."""

import logging
from collections import Counter
from collections.abc import Sequence

from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from workers.classifier.features import build_features
from workers.classifier.sklearn_classifier import SklearnClassifier

logger = logging.getLogger(__name__)

MAX_CALIBRATION_FOLDS = 5
# Below this many texts, character n-grams seen only once are kept: there are too few to prune.
SMALL_CORPUS = 200
# Weak regularisation: TF-IDF rows are L2-normalised and short, so strong shrinkage underfits.
# Chosen once on the training portions of the YouTube files (see bench/README.md).
REGULARISATION_C = 30.0


def _check(texts: Sequence[str], labels: Sequence[int]) -> int:
    """Validate inputs and return the number of calibration folds the smaller class allows."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
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
    base = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    return CalibratedClassifierCV(base, method="sigmoid", cv=splitter, ensemble=True)


def train_classifier(
    texts: Sequence[str], labels: Sequence[int], *, progress: bool = False, random_state: int = 0
) -> SklearnClassifier:
    """Fit features and a calibrated linear classifier; `progress` shows a tqdm bar."""
    texts, labels = list(texts), [int(label) for label in labels]
    folds = _check(texts, labels)
    min_df = 1 if len(texts) < SMALL_CORPUS else 2
    with tqdm(total=3, desc="training classifier", unit="stage", disable=not progress) as bar:
        bar.set_postfix_str("extracting features")
        # Vocabulary and IDF are fitted once on all texts rather than per calibration fold:
        # they use no labels, and one shared feature space keeps scoring to a single pass.
        features = build_features(min_df=min_df)
        matrix = features.fit_transform(texts)
        bar.update()
        bar.set_postfix_str(f"fitting {folds} calibrated folds")
        calibrated = _calibrated_estimator(folds, random_state).fit(matrix, labels)
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
