"""Loading labelled corpora: YouTube CSV layout, text,label CSV, JSON Lines, the seed corpus."""

import json
from pathlib import Path

import pytest

from classifier import LabelledData, load_labelled_file, load_seed_corpus

YOUTUBE_HEADER = "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_youtube_layout_reads_only_content_and_class(tmp_path: Path) -> None:
    rows = (
        'z1,Spammer Bot,,"Check out my channel, guys!",1\n'
        "z2,Real Fan,2015-05-29T02:26:10,I love this song\ufeff,0\n"
    )
    data = load_labelled_file(write(tmp_path / "videos.csv", YOUTUBE_HEADER + rows))
    assert data == LabelledData(["Check out my channel, guys!", "I love this song\ufeff"], [1, 0])


def test_youtube_layout_gives_the_same_data_whatever_author_and_date_say(tmp_path: Path) -> None:
    original = YOUTUBE_HEADER + "a,Ann,,Hello there,1\nb,Bob,2015-01-01,Nice,0\n"
    shuffled = YOUTUBE_HEADER + "x,Zed,2020-02-02,Hello there,1\ny,,,Nice,0\n"
    first = load_labelled_file(write(tmp_path / "first.csv", original))
    assert first == load_labelled_file(write(tmp_path / "second.csv", shuffled))


def test_csv_with_text_and_label_columns_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.csv", '\ufefftext,label\n"Ciao, come stai?",ham\nBUY NOW,spam\n')
    assert load_labelled_file(path) == LabelledData(["Ciao, come stai?", "BUY NOW"], [0, 1])


def test_jsonl_accepts_numeric_and_named_labels(tmp_path: Path) -> None:
    lines = [
        {"text": "Bellissimo", "label": 0, "lang": "it"},
        {"text": "Vinci un iPhone", "label": "spam"},
        {"text": "Grazie", "label": "HAM"},
    ]
    path = write(tmp_path / "data.jsonl", "\n".join(map(json.dumps, lines)) + "\n\n")
    assert load_labelled_file(path) == LabelledData(
        ["Bellissimo", "Vinci un iPhone", "Grazie"], [0, 1, 0]
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.txt", "text,label\nhi,0\n", "unsupported file type"),
        ("empty.csv", "", "empty CSV"),
        ("header_only.csv", "text,label\n", "no labelled rows"),
        ("columns.csv", "COMMENT_ID,AUTHOR,DATE\nz,a,d\n", "none of the columns"),
        ("label.csv", "text,label\nhi,maybe\n", "line 2: label must be"),
        ("short.csv", "text,label\nonly text\n", "fewer columns"),
        ("broken.jsonl", '{"text": "ok", "label": 0}\n{"text": \n', "line 2: not valid JSON"),
        ("notext.jsonl", '{"body": "hi", "label": 0}\n', 'a "text" string'),
        ("badlabel.jsonl", '{"text": "hi", "label": true}\n', "label must be"),
        ("nolabel.jsonl", '{"text": "hi"}\n', "label must be"),
    ],
)
def test_bad_files_raise_value_error_with_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_labelled_file(write(tmp_path / name, content))


def test_non_utf8_file_raises_value_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncittà,0\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        load_labelled_file(path)


def test_seed_corpus_loads_with_both_classes() -> None:
    data = load_seed_corpus()
    assert len(data) == len(data.labels) > 0
    assert set(data.labels) == {0, 1}
    assert all(isinstance(text, str) and text for text in data.texts)


def test_real_youtube_file_matches_its_published_counts(youtube_dir: Path) -> None:
    data = load_labelled_file(youtube_dir / "Youtube04-Eminem.csv")
    assert (len(data), sum(data.labels)) == (448, 245)
