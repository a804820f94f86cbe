"""Benchmark site retraining: how fast moderator labels adapt the classifier to a new site.

Run from the repository root: `python -m bench.adaptation [--data DIR] [--repeats N]`.

Protocol, for each YouTube video file in turn as the "new site":

* **Base.** The other three files, complete. The new site's file is never in the base corpus,
  so the site's comments come from a distribution the base classifier has not seen (another
  video, other spam campaigns, other labelling habits).
* **Split of the site.** One seeded random, stratified split of the site's comments: 30 % is a
  fixed *evaluation portion* that is never labelled, the other 70 % is the *labelling stream*.
  The stream is in a fixed random order (the same seed), not file order: LMFAO's file order
  starts with 200 comments of which 20 are spam and then runs of nothing but spam, so file
  order would test a class imbalance that no site would see, not adaptation.
* **Labelling.** Moderator labels arrive in batches of 50 from the stream. After 0, 50, 100, ...
  labels, `train_site_classifier(base, labels so far)` is trained (0 labels is the base
  classifier) and scored at 0.5 on
  - **fixed**: the evaluation portion: the same comments at every step, so steps compare;
  - **rest**: every site comment not labelled yet (evaluation portion plus the rest of the
    stream), what the issue asked for; it shrinks and gets harder to compare as labels arrive.
* **Reference.** "A classifier trained on the whole site" is
  `train_site_classifier(base, the whole labelling stream)`: the same recipe given every label
  the site has outside the evaluation portion (245 to 313), evaluated on the same fixed
  portion. Nothing is ever trained on the evaluation portion, so the comparison is fair. It is
  the last step of the labelling loop (the final batch is partial), not a separate training.
* **Repeats.** MCC on 105 to 135 comments moves by about 0.015 per mistake, so the whole
  protocol runs for `--repeats` seeds (default 3), each with its own split and order, and
  every number printed is the mean over the repeats.

Target: after 200 labels the fixed-portion MCC is within 0.03 of the reference, per file and on
average. Printed beside the results with PASS/MISS; the script exits 0 either way.
"""

import argparse
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.model_selection import train_test_split
from tqdm import tqdm

from bench.classifier import DEFAULT_DATA, FILES, concat, subset
from classifier import (
    Classifier,
    LabelledData,
    load_labelled_file,
    train_site_classifier,
)
from classifier.metrics import score_metrics

BATCH = 50
EVAL_FRACTION = 0.3
TARGET_LABELS = 200
TARGET_GAP = 0.03


@dataclass
class SiteSplit:
    """One seeded split of a site: a fixed evaluation portion and a labelling stream."""

    evaluation: LabelledData
    stream: LabelledData


@dataclass
class SiteResult:
    """MCC per number of labels given, one value per repeat, for one site."""

    fixed: dict[int, list[float]] = field(default_factory=dict)
    rest: dict[int, list[float]] = field(default_factory=dict)
    reference: list[float] = field(default_factory=list)


def split_site(site: LabelledData, seed: int) -> SiteSplit:
    """Stratified random split; the stream keeps the shuffled order train_test_split returns."""
    rows = list(range(len(site.labels)))
    stream, evaluation = train_test_split(
        rows, test_size=EVAL_FRACTION, stratify=site.labels, random_state=seed
    )
    return SiteSplit(subset(site, sorted(evaluation)), subset(site, list(stream)))


def label_counts(stream_length: int) -> list[int]:
    """0, 50, 100, ... and finally the whole stream (which gives the reference)."""
    return [*range(0, stream_length, BATCH), stream_length]


def mcc(classifier: Classifier, data: LabelledData) -> float:
    """MCC at 0.5 of `classifier` on `data`."""
    scores = [verdict.score for verdict in classifier.predict_many(data.texts)]
    return float(score_metrics(scores, data.labels)["mcc"])


def record(result: SiteResult, count: int, classifier: Classifier, split: SiteSplit) -> None:
    """Score `classifier`, trained on the first `count` labels, on the fixed portion and rest."""
    unlabelled = subset(split.stream, list(range(count, len(split.stream))))
    rest = concat([split.evaluation, unlabelled])
    result.fixed.setdefault(count, []).append(mcc(classifier, split.evaluation))
    result.rest.setdefault(count, []).append(mcc(classifier, rest))


def run_site(base: LabelledData, site: LabelledData, repeats: int, bar: tqdm) -> SiteResult:
    """Label each split's stream batch by batch, scoring after each batch."""
    result = SiteResult()
    # Zero labels: the base classifier, the same for every split, so trained once.
    base_classifier = train_site_classifier(base, LabelledData())
    bar.update()
    for seed in range(repeats):
        split = split_site(site, seed)
        for count in label_counts(len(split.stream)):
            labelled = subset(split.stream, list(range(count)))
            classifier = train_site_classifier(base, labelled) if count else base_classifier
            record(result, count, classifier, split)
            bar.update(1 if count else 0)
        result.reference.append(result.fixed[len(split.stream)][-1])
    return result


def count_fits(data: dict[str, LabelledData], repeats: int) -> int:
    """Trainings `run_protocol` will do, for the progress bar."""
    per_split = sum(
        len(label_counts(len(split_site(site, 0).stream))) - 1 for site in data.values()
    )
    return len(data) + repeats * per_split


def run_protocol(data: dict[str, LabelledData], repeats: int) -> dict[str, SiteResult]:
    """Every file in turn as the new site, the others together as the base corpus."""
    results = {}
    with tqdm(total=count_fits(data, repeats), desc="training site classifiers", unit="fit") as bar:
        for name, site in data.items():
            base = concat([rows for other, rows in data.items() if other != name])
            results[name] = run_site(base, site, repeats, bar)
    return results


def print_curve(title: str, results: dict[str, SiteResult], kind: str) -> None:
    """One row per site and their mean: MCC after 0, 50, 100, ... labels, then the reference.

    The columns stop at the last full batch every site has. The reference is the whole stream
    labelled; after it nothing but the fixed portion is left, so both tables end with it.
    """
    shortest = min(max(result.fixed) for result in results.values())
    counts = list(range(0, shortest, BATCH))
    rows = {
        name: [statistics.mean(getattr(result, kind)[count]) for count in counts]
        + [statistics.mean(result.reference)]
        for name, result in results.items()
    }
    rows["mean"] = [statistics.mean(column) for column in zip(*rows.values(), strict=True)]
    print(f"\n{title}")
    print(f"{'site':22s}" + "".join(f"{count:>7d}" for count in counts) + "  reference")
    for name, values in rows.items():
        print(
            f"{name:22s}"
            + "".join(f"{value:7.3f}" for value in values[:-1])
            + f"{values[-1]:11.3f}"
        )


def print_targets(results: dict[str, SiteResult]) -> None:
    """MCC after TARGET_LABELS beside the reference, per site and on average, with PASS/MISS."""
    goal = f"fixed-portion MCC within {TARGET_GAP} of the reference"
    print(f"\ntarget: after {TARGET_LABELS} labels, {goal}")
    print(f"{'site':22s}{'base':>8s}{TARGET_LABELS:>8d}{'reference':>11s}{'gap':>8s}  result")
    rows = {
        name: [
            statistics.mean(r.fixed[0]),
            statistics.mean(r.fixed[TARGET_LABELS]),
            statistics.mean(r.reference),
        ]
        for name, r in results.items()
    }
    rows["mean"] = [statistics.mean(column) for column in zip(*rows.values(), strict=True)]
    for name, (base, after, reference) in rows.items():
        gap = reference - after
        verdict = "PASS" if gap <= TARGET_GAP else "MISS"
        print(f"{name:22s}{base:8.3f}{after:8.3f}{reference:11.3f}{gap:8.3f}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    """Run the protocol over every file and print the learning curves and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="YouTube CSV directory")
    parser.add_argument("--repeats", type=int, default=3, help="seeded splits to average over")
    args = parser.parse_args(argv)
    data = {name: load_labelled_file(args.data / f"{name}.csv") for name in FILES}
    results = run_protocol(data, args.repeats)
    print(f"\nMCC at 0.5, mean of {args.repeats} seeded splits; columns are labels given so far")
    print_curve("fixed evaluation portion (30 % of the site, never labelled)", results, "fixed")
    print_curve("rest: every site comment not labelled yet", results, "rest")
    print_targets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
