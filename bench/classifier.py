"""Benchmark the spam classifier on the YouTube Spam Collection (see bench/README.md).

Run from the repository root: `python -m bench.classifier [--data DIR]`. Prints quality per
video under two protocols, automation at the review thresholds, speed and memory, each beside
its target with PASS/MISS. Exits 0 either way: it reports, it does not gate.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from classifier import load_labelled_file, load_seed_corpus, train_classifier
from classifier.datasets import LabelledData
from classifier.metrics import automation_rate, score_metrics

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "youtube-spam"
FILES = ("Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO", "Youtube04-Eminem")
# Best MCC per video published with TubeSpam (Alberto, Lochter and Almeida, ICMLA 2015).
PUBLISHED_MCC = {"Youtube01-Psy": 0.925, "Youtube02-KatyPerry": 0.893}
PUBLISHED_MCC |= {"Youtube03-LMFAO": 0.955, "Youtube04-Eminem": 0.941}
# Those bests come from different classifiers; the best single one averaged this over the videos.
PUBLISHED_BEST_SINGLE_MEAN = 0.904
BATCH_RUNS = 5
COLUMNS = ("accuracy", "spam_recall", "false_positive_rate", "f1", "mcc", "roc_auc")
HEADERS = ("acc", "recall", "FPR", "F1", "MCC", "AUC")
# One worker process of a deployment: loads the artefact, says it is ready, scores the corpus
# six times over when told to, and prints when it started and finished.
WORKER_CHILD = """
import sys, time
from pathlib import Path
from classifier import SklearnClassifier, load_labelled_file
classifier = SklearnClassifier.from_bytes(Path(sys.argv[1]).read_bytes(), version="bench")
texts = [t for p in sys.argv[2:] for t in load_labelled_file(p).texts] * 6
classifier.predict_many(texts[:100])
print("ready", flush=True)
sys.stdin.readline()
started = time.time()
classifier.predict_many(texts)
print(started, time.time(), len(texts), flush=True)
"""
RSS_CHILD = """
import resource, sys
from pathlib import Path
from classifier import SklearnClassifier, load_labelled_file
classifier = SklearnClassifier.from_bytes(Path(sys.argv[1]).read_bytes(), version="bench")
texts = [t for p in sys.argv[2:] for t in load_labelled_file(p).texts]
classifier.predict_many(texts * 4)
classifier.predict(texts[0])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def tubespam_split(labels: list[int]) -> tuple[list[int], list[int]]:
    """First 70 % of each class in file order trains, the rest tests (TubeSpam's protocol)."""
    train, test = [], []
    for label in (0, 1):
        rows = [i for i, value in enumerate(labels) if value == label]
        cut = int(0.7 * len(rows))
        train += rows[:cut]
        test += rows[cut:]
    return sorted(train), sorted(test)


def subset(data: LabelledData, rows: list[int]) -> LabelledData:
    """Return the given rows of `data`."""
    return LabelledData([data.texts[i] for i in rows], [data.labels[i] for i in rows])


def concat(parts: list[LabelledData]) -> LabelledData:
    """Return all parts as one data set."""
    return LabelledData([t for p in parts for t in p.texts], [y for p in parts for y in p.labels])


def fit_and_score(train: LabelledData, test: LabelledData) -> np.ndarray:
    """Train on `train`, return spam scores for `test`."""
    classifier = train_classifier(train.texts, train.labels)
    return np.array([verdict.score for verdict in classifier.predict_many(test.texts)])


def print_table(title: str, rows: dict[str, dict], published: bool = False) -> None:
    """Print one row of metrics per file and their mean."""
    print(f"\n{title}")
    extra = "  published MCC" if published else ""
    print(f"{'file':22s}" + "".join(f"{h:>8s}" for h in HEADERS) + extra)
    for name, metrics in rows.items():
        line = f"{name:22s}" + "".join(f"{metrics[c]:8.3f}" for c in COLUMNS)
        if published and name in PUBLISHED_MCC:
            line += f"  {PUBLISHED_MCC[name]:13.3f}"
        print(line)
    mean = {c: statistics.mean(m[c] for m in rows.values()) for c in COLUMNS}
    extra = f"  {statistics.mean(PUBLISHED_MCC.values()):13.3f}" if published else ""
    print(f"{'mean':22s}" + "".join(f"{mean[c]:8.3f}" for c in COLUMNS) + extra)
    if published:
        print(
            f"published mean MCC of the best single classifier: {PUBLISHED_BEST_SINGLE_MEAN:.3f} "
            "(the per-video bests above come from different classifiers)"
        )


def run_tubespam(data: dict[str, LabelledData]) -> dict[str, dict]:
    """Protocol (a): per video, first 70 % of each class trains."""
    results = {}
    for name, rows in data.items():
        train_rows, test_rows = tubespam_split(rows.labels)
        test = subset(rows, test_rows)
        results[name] = score_metrics(fit_and_score(subset(rows, train_rows), test), test.labels)
    return results


def run_leave_one_out(data: dict[str, LabelledData]) -> tuple[dict[str, dict], np.ndarray, list]:
    """Protocol (b): train on three videos, test on the fourth; return pooled scores too."""
    results, scores, labels = {}, [], []
    for name, test in data.items():
        train = concat([rows for other, rows in data.items() if other != name])
        test_scores = fit_and_score(train, test)
        results[name] = score_metrics(test_scores, test.labels)
        scores += list(test_scores)
        labels += test.labels
    return results, np.array(scores), labels


def print_reliability(scores: np.ndarray, labels: np.ndarray) -> None:
    """Print how often comments in each score band were spam: calibrated means the two agree."""
    print("\n(b) calibration, all four held-out videos pooled")
    print(f"{'score band':14s}{'comments':>10s}{'mean score':>12s}{'spam share':>12s}")
    edges = [0.0, 0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 1.0]
    for low, high in zip(edges, edges[1:], strict=False):
        inside = (scores >= low) & ((scores < high) | (high == 1.0))
        if inside.any():
            band = f"[{low:.2f}, {high:.2f})"
            mean, share = scores[inside].mean(), labels[inside].mean()
            print(f"{band:14s}{inside.sum():10d}{mean:12.3f}{share:12.3f}")
    print(f"Brier score {np.mean((scores - labels) ** 2):.4f}")


def best_automation_accuracy(scores: np.ndarray, labels: list[int], share: float) -> float:
    """Best accuracy any approve-below / reject-at-or-above pair reaches deciding `share`.

    Depends only on how the scores rank the comments, not on their calibration: if this is
    below the accuracy target, no choice of thresholds or calibration can meet it.
    """
    truth = np.asarray(labels)[np.argsort(scores, kind="stable")]
    decided = int(np.ceil(share * len(truth)))
    ham_from_bottom = np.concatenate([[0], np.cumsum(truth == 0)])
    spam_from_top = np.concatenate([[0], np.cumsum(truth[::-1] == 1)])
    approved = np.arange(decided + 1)
    return float((ham_from_bottom[approved] + spam_from_top[decided - approved]).max() / decided)


def time_seed_training() -> float:
    """Seconds to train on the seed corpus, as the service does on first start."""
    seed = load_seed_corpus()
    started = time.perf_counter()
    train_classifier(seed.texts, seed.labels)
    return time.perf_counter() - started


def measure_speed(data: dict[str, LabelledData], paths: list[Path]) -> dict[str, float]:
    """Batch throughput, single-comment latency and peak RSS of a fresh loading process."""
    everything = concat(list(data.values()))
    classifier = train_classifier(everything.texts, everything.labels)
    batch = everything.texts * 6
    classifier.predict_many(batch[:100])  # warm-up: first-call imports and caches
    # Median of several runs: on a shared 2-core VM one run varies by +-20 %.
    rates = []
    for _ in range(BATCH_RUNS):
        started = time.perf_counter()
        classifier.predict_many(batch)
        rates.append(len(batch) / (time.perf_counter() - started))
    latencies = []
    for text in everything.texts[:1000]:
        started = time.perf_counter()
        classifier.predict(text)
        latencies.append(time.perf_counter() - started)
    with tempfile.NamedTemporaryFile(suffix=".bin") as artefact:
        artefact.write(classifier.to_bytes())
        artefact.flush()
        args = [sys.executable, "-c", RSS_CHILD, artefact.name, *map(str, paths)]
        # Our own interpreter with a fixed script: nothing here comes from outside.
        child = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=True)  # noqa: S603
        machine = measure_two_workers(Path(artefact.name), paths)
    return {
        "per_second": statistics.median(rates),
        "per_second_range": (min(rates), max(rates)),
        "two_workers_per_second": machine,
        "median_ms": statistics.median(latencies) * 1000,
        "rss_mb": int(child.stdout.strip()) / 1024,  # Linux reports ru_maxrss in KiB
        "artefact_mb": len(classifier.to_bytes()) / 1e6,
        "seed_training_s": time_seed_training(),
    }


def measure_two_workers(artefact: Path, paths: list[Path]) -> float:
    """Comments/s of two worker processes scoring at once, as `moderato worker` runs on 2 cores.

    Informational: the target is the single-process figure above.
    """
    args = [sys.executable, "-c", WORKER_CHILD, str(artefact), *map(str, paths)]
    # Our own interpreter with a fixed script: nothing here comes from outside.
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE}
    workers = [subprocess.Popen(args, cwd=REPO_ROOT, text=True, **pipes) for _ in range(2)]  # noqa: S603
    for worker in workers:  # both loaded and warmed up before either starts
        worker.stdout.readline()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [worker.communicate()[0].split() for worker in workers]
    started = min(float(result[0]) for result in results)
    finished = max(float(result[1]) for result in results)
    return sum(int(result[2]) for result in results) / (finished - started)


def target_rows(a: dict[str, dict], b: dict[str, dict], auto: dict, speed: dict) -> list[tuple]:
    """Return (target, measured, goal, met) for every target of the issue."""
    mean_a = statistics.mean(m["mcc"] for m in a.values())
    min_a = min(m["mcc"] for m in a.values())
    mean_b = statistics.mean(m["mcc"] for m in b.values())
    share, right = auto["automated_share"], auto["automated_accuracy"]
    rate, median, rss = speed["per_second"], speed["median_ms"], speed["rss_mb"]
    seed = speed["seed_training_s"]
    return [
        ("(a) mean MCC", f"{mean_a:.3f}", ">= 0.95", mean_a >= 0.95),
        ("(a) lowest file MCC", f"{min_a:.3f}", ">= 0.92", min_a >= 0.92),
        ("(b) mean MCC", f"{mean_b:.3f}", ">= 0.92", mean_b >= 0.92),
        ("(b) decided automatically", f"{share:.1%}", ">= 80%", share >= 0.80),
        ("(b) automatic decisions right", f"{right:.2%}", ">= 99%", right >= 0.99),
        ("batch comments/s", f"{rate:,.0f}", ">= 5,000", rate >= 5000),
        ("predict median", f"{median:.2f} ms", "<= 2 ms", median <= 2),
        ("RSS, loaded + scoring", f"{rss:.0f} MB", "<= 250 MB", rss <= 250),
        ("training on the seed corpus", f"{seed:.1f} s", "<= 3 s", seed <= 3),
    ]


def print_targets(a: dict[str, dict], b: dict[str, dict], auto: dict, speed: dict) -> None:
    """Print each target, the measured value and PASS/MISS."""
    print(f"\n{'target':32s}{'measured':>12s}{'goal':>12s}  result")
    for name, value, goal, met in target_rows(a, b, auto, speed):
        print(f"{name:32s}{value:>12s}{goal:>12s}  {'PASS' if met else 'MISS'}")
    print(
        f"\n(b) automation detail: {auto['approved']} approved, {auto['rejected']} rejected, "
        f"{auto['review']} to review; {auto['wrongly_approved']} spam approved, "
        f"{auto['wrongly_rejected']} ham rejected. Artefact {speed['artefact_mb']:.1f} MB."
    )
    low, high = speed["per_second_range"]
    two = speed["two_workers_per_second"]
    print(
        f"Batch scoring: median of {BATCH_RUNS} runs, range {low:,.0f} to {high:,.0f} comments/s;"
        f" two worker processes at once (both cores, as deployed): {two:,.0f} comments/s."
    )
    print(
        "(b) best accuracy any pair of thresholds reaches deciding 80 %: "
        f"{auto['best_at_80']:.2%} (set by the ranking, whatever the calibration)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run both protocols and the speed checks; print everything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="YouTube CSV directory")
    args = parser.parse_args(argv)
    paths = [args.data / f"{name}.csv" for name in FILES]
    data = {name: load_labelled_file(path) for name, path in zip(FILES, paths, strict=True)}
    a = run_tubespam(data)
    print_table("(a) TubeSpam split: first 70 % of each class trains, per video", a, True)
    b, scores, labels = run_leave_one_out(data)
    print_table("(b) leave one video out: train on the other three", b)
    print_reliability(scores, np.array(labels))
    auto = automation_rate(scores, labels, approve_below=0.2, reject_above=0.9)
    auto["best_at_80"] = best_automation_accuracy(scores, labels, 0.8)
    print_targets(a, b, auto, measure_speed(data, paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
