"""The learning-loop benchmark runs end to end on a tiny corpus made here (its structure and
that retraining ran, not its figures)."""

import random

import pytest

from bench import learning_loop
from classifier import LabelledData

HAM_WORDS = [
    "lovely", "song", "great", "voice", "singer", "chorus", "melody", "memories", "summer", "dance",
]  # fmt: skip
SPAM_WORDS = [
    "cheap", "pills", "casino", "bonus", "crypto", "wallet", "promo", "winner", "prize", "deal",
]  # fmt: skip


def make_texts(words: list[str], count: int, rng: random.Random, extra: str = "") -> list[str]:
    """`count` texts of five words drawn from `words`, plus `extra`."""
    return [" ".join(rng.choices(words, k=5)) + extra for _ in range(count)]


def make_corpus() -> learning_loop.Corpus:
    """A base corpus and a new site of 180 comments (a third spam) with a few site words."""
    rng = random.Random(7)
    base = LabelledData(
        make_texts(HAM_WORDS, 30, rng) + make_texts(SPAM_WORDS, 30, rng, " visit now"),
        [0] * 30 + [1] * 30,
    )
    ham = make_texts(HAM_WORDS + ["bravo", "grazie"], 120, rng)
    spam = make_texts(SPAM_WORDS + ["guadagna", "subito"], 60, rng, " dm me")
    order = rng.sample(range(180), 180)
    texts, labels = ham + spam, [0] * 120 + [1] * 60
    site = LabelledData([texts[i] for i in order], [labels[i] for i in order])
    return learning_loop.Corpus("tiny", base, site, "made in the test")


@pytest.fixture(scope="module")
def results() -> list[learning_loop.CorpusResult]:
    """One run on the tiny corpus; every comment held (thresholds no score can cross), so
    the moderator labels them all and retraining has labels to learn from."""
    settings = {"auto_reject_above": 1.0, "auto_approve_below": 0.0}
    return learning_loop.run([make_corpus()], 50, [0, 50, 100, 400], settings)


def test_learning_loop_reports_each_checkpoint_it_reaches_and_the_reference(
    results: list[learning_loop.CorpusResult],
) -> None:
    (result,) = results
    assert (result.stream_size, result.test_size) == (126, 54)
    assert sorted(result.checkpoints) == [0, 50, 100]  # 400 labels: more than the stream
    assert [result.checkpoints[c].labels for c in (0, 50, 100)] == [0, 50, 100]
    assert result.end is not None
    assert result.end.labels == result.end.stream.comments == 126
    assert result.end.stream.automated == 0
    assert result.reference is not None
    assert result.reference.labels == 126
    assert -1 <= result.reference.mcc <= 1


def test_learning_loop_retrains_through_the_product_and_counts_versions(
    results: list[learning_loop.CorpusResult],
) -> None:
    (result,) = results
    assert result.retraining_runs == 2  # at 50 and 100 labels
    assert result.promoted >= 1
    assert result.checkpoints[0].versions == 0
    assert result.end is not None
    assert result.end.versions == 2


def test_learning_loop_prints_a_table_per_corpus_and_the_targets(
    results: list[learning_loop.CorpusResult], capsys: pytest.CaptureFixture[str]
) -> None:
    learning_loop.print_corpus(results[0], [0, 50, 100, 400])
    learning_loop.print_targets(results)
    out = capsys.readouterr().out
    assert "tiny: stream 126, test split 54" in out
    assert "400         not reached: the stream ended at 126 labels" in out
    assert "reference" in out
    target_line = next(line for line in out.splitlines() if line.startswith("tiny "))
    assert target_line.split()[1:3] == ["n/a", "n/a"]  # 200 labels never reached
