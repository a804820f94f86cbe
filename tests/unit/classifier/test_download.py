"""download_corpus against a local HTTP server (the test machines have no internet)."""

import threading
import urllib.error
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from classifier import download, download_corpus, load_labelled_file

CSV = "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\nz1,a,,Check my channel,1\nz2,b,2015,Nice,0\n"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without writing an access log line per request to stderr."""

    def log_message(self, *args: object) -> None:
        """Drop the message."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A directory served over HTTP on localhost: (base URL, directory)."""
    root = tmp_path / "served"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()
    thread.join()


def test_download_corpus_saves_a_csv_file(served: tuple[str, Path], tmp_path: Path) -> None:
    base, root = served
    (root / "youtube.csv").write_text(CSV, encoding="utf-8")
    path = download_corpus(f"{base}/youtube.csv", tmp_path / "corpora")
    assert path == tmp_path / "corpora" / "youtube.csv"
    assert load_labelled_file(path).labels == [1, 0]
    assert sorted(p.name for p in path.parent.iterdir()) == ["youtube.csv"]


def test_download_corpus_extracts_the_csvs_of_a_zip(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = served
    with zipfile.ZipFile(root / "collection.zip", "w") as bundle:
        bundle.writestr("Youtube01.csv", CSV)
        bundle.writestr("nested/Youtube02.csv", CSV)
        bundle.writestr("__MACOSX/._Youtube01.csv", "junk")
        bundle.writestr("README.txt", "not a csv")
    folder = download_corpus(f"{base}/collection.zip", tmp_path / "corpora")
    assert folder == tmp_path / "corpora" / "collection"
    assert sorted(p.name for p in folder.iterdir()) == ["Youtube01.csv", "Youtube02.csv"]
    assert not (tmp_path / "corpora" / "collection.zip").exists()


def test_download_corpus_keeps_zip_members_inside_the_target(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = served
    with zipfile.ZipFile(root / "evil.zip", "w") as bundle:
        bundle.writestr("../../escape.csv", CSV)
    folder = download_corpus(f"{base}/evil.zip", tmp_path / "corpora")
    assert [p.name for p in folder.iterdir()] == ["escape.csv"]
    assert not (tmp_path / "escape.csv").exists()


def test_download_corpus_rejects_a_zip_without_csvs(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = served
    with zipfile.ZipFile(root / "docs.zip", "w") as bundle:
        bundle.writestr("README.txt", "nothing here")
    with pytest.raises(ValueError, match="no CSV"):
        download_corpus(f"{base}/docs.zip", tmp_path / "corpora")


def test_download_corpus_stops_at_the_size_cap_and_leaves_nothing_behind(
    served: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, root = served
    (root / "big.csv").write_text(CSV * 100, encoding="utf-8")
    monkeypatch.setattr(download, "MAX_BYTES", 1000)
    with pytest.raises(ValueError, match="1000-byte limit"):
        download_corpus(f"{base}/big.csv", tmp_path / "corpora")
    assert list((tmp_path / "corpora").iterdir()) == []


def test_download_corpus_reports_http_errors(served: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = served
    with pytest.raises(urllib.error.HTTPError):
        download_corpus(f"{base}/missing.csv", tmp_path / "corpora")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x.csv", "https://example.com/"]
)
def test_download_corpus_refuses_other_schemes_and_nameless_urls(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="http|file name"):
        download_corpus(url, tmp_path)
