"""Labelled corpora: CSV (YouTube Spam Collection or text,label) and JSON Lines files."""

import csv
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from classifier.download import download_corpus

logger = logging.getLogger(__name__)

__all__ = ["LabelledData", "download_corpus", "load_labelled_file", "load_seed_corpus"]

SEED_PACKAGE = "classifier"
SEED_PATH = ("seed", "comments.jsonl")
_LABELS = {"0": 0, "1": 1, "ham": 0, "spam": 1}
# Column names we read, in order of preference. The YouTube files also carry COMMENT_ID, AUTHOR
# and DATE; those are never read: in Youtube04-Eminem an empty DATE means spam, an artefact a
# classifier would happily learn.
_TEXT_COLUMNS = ("content", "text")
_LABEL_COLUMNS = ("class", "label")


@dataclass
class LabelledData:
    """Texts with 0 (ham) / 1 (spam) labels, in the order they were read."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        """Return the number of examples."""
        return len(self.texts)


def _label(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{where}: label must be 0, 1, 'spam' or 'ham', got {value!r}")
    label = _LABELS.get(str(value).strip().lower())
    if label is None:
        raise ValueError(f"{where}: label must be 0, 1, 'spam' or 'ham', got {value!r}")
    return label


def _pick(fields: list[str], wanted: tuple[str, ...], source: str) -> str:
    by_lower = {name.strip().lower(): name for name in fields}
    for name in wanted:
        if name in by_lower:
            return by_lower[name]
    raise ValueError(f"{source}: CSV header {fields} has none of the columns {list(wanted)}")


def _read_csv(text: str, source: str) -> LabelledData:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ValueError(f"{source}: empty CSV file")
    text_column = _pick(list(reader.fieldnames), _TEXT_COLUMNS, source)
    label_column = _pick(list(reader.fieldnames), _LABEL_COLUMNS, source)
    data = LabelledData()
    for row in reader:
        where = f"{source}, line {reader.line_num}"
        if row.get(text_column) is None or row.get(label_column) is None:
            raise ValueError(f"{where}: row has fewer columns than the header")
        data.texts.append(row[text_column])
        data.labels.append(_label(row[label_column], where))
    return data


def _read_jsonl(lines: Iterable[str], source: str) -> LabelledData:
    data = LabelledData()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{where}: not valid JSON ({error.msg})") from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError(f'{where}: expected an object with a "text" string and a "label"')
        data.texts.append(record["text"])
        data.labels.append(_label(record.get("label"), where))
    return data


def _checked(data: LabelledData, source: str) -> LabelledData:
    if not data.texts:
        raise ValueError(f"{source}: no labelled rows")
    return data


def load_labelled_file(path: Path | str) -> LabelledData:
    """Read a .csv or .jsonl file of labelled comments; raise ValueError if it is malformed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".ndjson"}:
        raise ValueError(f"{path}: unsupported file type {suffix!r} (use .csv or .jsonl)")
    try:
        # utf-8-sig drops a byte-order mark at the start of the file, which Excel likes to add.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text") from error
    if suffix == ".csv":
        return _checked(_read_csv(text, str(path)), str(path))
    return _checked(_read_jsonl(text.splitlines(), str(path)), str(path))


def load_seed_corpus() -> LabelledData:
    """Return the Italian seed corpus shipped in `workers/classifier/seed/comments.jsonl`."""
    resource = resources.files(SEED_PACKAGE).joinpath(*SEED_PATH)
    text = resource.read_text(encoding="utf-8-sig")
    return _checked(_read_jsonl(text.splitlines(), "seed corpus"), "seed corpus")
