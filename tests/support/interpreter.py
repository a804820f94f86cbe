"""Code run in a new Python interpreter: what a process imports and builds at start-up, which
the test process (with everything already imported) cannot show."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def json_printed_last(code: str, data_dir: Path) -> Any:
    """Run `code` in a new interpreter at the repository's root, with only `data_dir` as
    Moderato's settings, and read the last line it prints as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
        env={"MODERATO_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])
