"""The layers hold where import-linter cannot look: at run time, in a fresh interpreter."""

from pathlib import Path

from tests.support.interpreter import json_printed_last

HEAVY = ("sklearn", "scipy", "matplotlib")


def imported_after(code: str, tmp_path: Path) -> list[str]:
    """The heavy modules loaded by `code` in a new interpreter."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    return list(json_printed_last(probe, tmp_path))


def test_the_web_process_never_imports_the_ml_stack(tmp_path: Path) -> None:
    assert imported_after("from service.wsgi import app", tmp_path) == []


def test_the_probe_does_see_the_ml_stack_when_it_is_loaded(tmp_path: Path) -> None:
    # Guards the test above against passing for the wrong reason (a probe that sees nothing).
    assert "sklearn" in imported_after("import classifier.sklearn_classifier", tmp_path)


def test_the_akismet_process_loads_the_classifier_it_scores_with(tmp_path: Path) -> None:
    # The other side of the split: the Akismet process scores in-process (docs/akismet.md).
    assert "sklearn" in imported_after("import service.akismet.views", tmp_path)
