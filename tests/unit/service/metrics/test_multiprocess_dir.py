"""The multiprocess folder is chosen before prometheus_client is imported, in a fresh
interpreter as `moderato`, gunicorn and the worker start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.metrics import multiprocess_dir as metrics_dir

REPO = Path(__file__).resolve().parents[3]


def run_fresh(code: str, **env: str) -> dict:
    """Run `code` in a new interpreter; it prints one JSON object."""
    environment = {"PATH": "/usr/bin:/bin", **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
        env=environment,
    )  # fmt: skip
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


CHOOSE_THEN_IMPORT = """
import json, os
from service.metrics import multiprocess_dir as metrics_dir
path = metrics_dir.use_multiprocess_mode()
from service.metrics import definitions as metrics
metrics.COMMENTS_ACCEPTED.labels(site="s").inc()
files = sorted(p.name for p in path.glob("*.db"))
owner_file = path / metrics_dir.OWNER_FILE
owner = owner_file.read_text() if owner_file.exists() else None
print(json.dumps({"path": str(path), "multiprocess": metrics.MULTIPROCESS, "files": files,
                  "owner": owner, "pid": str(os.getpid())}))
metrics_dir.remove_if_owned(path)
"""


def test_a_process_that_chooses_first_records_in_files_of_a_temporary_folder_it_removes(
    tmp_path: Path,
) -> None:
    found = run_fresh(CHOOSE_THEN_IMPORT, TMPDIR=str(tmp_path))
    assert found["multiprocess"] is True
    assert found["path"].startswith(str(tmp_path))
    assert any(name.startswith("counter_") for name in found["files"])
    assert found["owner"] == found["pid"]
    assert not Path(found["path"]).exists()  # removed by its owner


def test_an_operator_folder_is_used_as_it_is_and_never_removed(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    found = run_fresh(CHOOSE_THEN_IMPORT, PROMETHEUS_MULTIPROC_DIR=str(folder))
    assert found["path"] == str(folder)
    assert found["multiprocess"] is True
    assert found["owner"] is None
    assert any(name.startswith("counter_") for name in os.listdir(folder))


def test_a_process_that_records_nothing_leaves_no_file(tmp_path: Path) -> None:
    # A health check or a `moderato` command imports the metrics every few seconds.
    code = "import json\nfrom service.metrics import definitions\nprint(json.dumps({'ok': True}))"
    run_fresh(code, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    assert os.listdir(tmp_path) == []


def test_too_late_once_prometheus_client_is_imported_the_process_keeps_memory() -> None:
    code = (
        "import json\nfrom service.metrics import definitions, multiprocess_dir\n"
        "print(json.dumps({'path': str(multiprocess_dir.use_multiprocess_mode()), "
        "'multiprocess': definitions.MULTIPROCESS}))"
    )
    assert run_fresh(code) == {"path": "None", "multiprocess": False}


def test_empty_removes_the_metric_files_only(tmp_path: Path) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"x")
    (tmp_path / "histogram_123.db").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept")
    metrics_dir.empty(tmp_path)
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_folder_owned_by_another_process_is_left_in_place(tmp_path: Path) -> None:
    (tmp_path / metrics_dir.OWNER_FILE).write_text(str(os.getpid() + 1))
    metrics_dir.remove_if_owned(tmp_path)
    assert tmp_path.exists()


@pytest.mark.parametrize("owner", [None, "not-a-pid"])
def test_a_folder_without_our_owner_file_is_never_removed(
    tmp_path: Path, owner: str | None
) -> None:
    if owner is not None:
        (tmp_path / metrics_dir.OWNER_FILE).write_text(owner)
    metrics_dir.remove_if_owned(tmp_path)
    assert tmp_path.exists()
