"""Count the CPU instructions the classifier spends per comment, with valgrind's callgrind.

Run from the repository root: `python -m bench.instructions [--data DIR] [--comments N]`.
Wall-clock speed on a shared VM drifts by ±20 % within minutes; an instruction count repeats,
so this is how two versions of the scoring code are compared. It runs one
fresh interpreter twice under callgrind, once scoring nothing and once scoring N comments
(the YouTube files), and prints the difference divided by N. About two and a half minutes. Needs
`valgrind` on PATH; exits 0 either way.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.classifier import DEFAULT_DATA, FILES, REPO_ROOT, concat
from classifier import load_labelled_file, train_classifier

CHILD = """
import json, sys
from pathlib import Path
from classifier import SklearnClassifier
classifier = SklearnClassifier.from_bytes(Path(sys.argv[1]).read_bytes(), version="bench")
texts = json.loads(Path(sys.argv[2]).read_text())
classifier.predict_many(texts[:20])  # first-call imports and caches, in both runs
if int(sys.argv[3]):
    classifier.predict_many(texts[: int(sys.argv[3])])
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def count_instructions(artefact: Path, texts: Path, comments: int) -> int:
    """Instructions callgrind counts for the child scoring `comments` comments."""
    with tempfile.TemporaryDirectory() as folder:
        args = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out"]
        args += [sys.executable, "-c", CHILD, str(artefact), str(texts), str(comments)]
        # Our own interpreter with a fixed script: nothing here comes from outside.
        # A fixed hash seed: string hashing is randomised per process, which moves the count
        # by a few per cent from run to run.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        child = subprocess.run(  # noqa: S603
            args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
        )
    match = _COLLECTED.search(child.stderr)
    if match is None:
        raise RuntimeError("callgrind printed no instruction count")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    """Train on the YouTube files, then count instructions per scored comment."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="YouTube CSV directory")
    parser.add_argument("--comments", type=int, default=1000, help="comments to score")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed; nothing measured")
        return 0
    everything = concat([load_labelled_file(args.data / f"{name}.csv") for name in FILES])
    classifier = train_classifier(everything.texts, everything.labels)
    with tempfile.TemporaryDirectory() as folder:
        artefact, texts = Path(folder) / "classifier.bin", Path(folder) / "texts.json"
        artefact.write_bytes(classifier.to_bytes())
        texts.write_text(json.dumps(everything.texts[: args.comments]))
        # The two runs are independent: one per core halves the wait.
        with ThreadPoolExecutor(max_workers=2) as pool:
            idle, busy = pool.map(
                lambda comments: count_instructions(artefact, texts, comments), [0, args.comments]
            )
    per_comment = (busy - idle) / args.comments
    print(f"instructions per comment scored in batch: {per_comment:,.0f}")
    print(f"(callgrind, {args.comments} comments, PYTHONHASHSEED=0; repeats within about 0.1 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
