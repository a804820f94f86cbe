"""Training from a file is one transaction: a failure changes nothing."""

from pathlib import Path

import pytest
from flask import Flask

from service.learning.corpus import get_base_corpus
from service.learning.training import ensure_default_classifier, train_from_file
from service.learning.versions import get_active_version


def test_a_file_that_fails_to_train_leaves_the_corpus_and_the_version_in_force(
    pg_app: Flask, tmp_path: Path
) -> None:
    ensure_default_classifier()
    before = (get_base_corpus().texts, get_active_version(None))
    one_class = tmp_path / "ham-only.csv"
    one_class.write_text("text,label\n" + "".join(f"commento {n},0\n" for n in range(20)))
    with pytest.raises(ValueError, match=r"."):
        train_from_file(one_class)
    assert (get_base_corpus().texts, get_active_version(None)) == before
