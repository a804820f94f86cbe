"""`moderato corpus download URL` fetches a labelled corpus from a (local) HTTP server."""

import threading
from collections.abc import Iterator
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from flask import Flask

from classifier import load_labelled_file
from service.cli import main

CSV = "text,label\nCompra follower a poco prezzo su fama-facile.xyz,1\nBell'articolo,0\n"


@pytest.fixture
def corpus_server(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server publishing one labelled CSV; its base URL."""
    published = tmp_path / "published"
    published.mkdir()
    (published / "corpus.csv").write_text(CSV)
    handler = partial(SimpleHTTPRequestHandler, directory=str(published))
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_corpus_download_saves_a_file_that_train_can_read(
    pg_app: Flask, corpus_server: str, tmp_path: Path
) -> None:
    target = tmp_path / "data"
    result = pg_app.test_cli_runner().invoke(
        main, ["corpus", "download", f"{corpus_server}/corpus.csv", "--to", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert f"saved: {target / 'corpus.csv'}" in result.output
    assert load_labelled_file(target / "corpus.csv").labels == [1, 0]


def test_corpus_download_of_a_missing_file_fails_clearly(
    pg_app: Flask, corpus_server: str, tmp_path: Path
) -> None:
    result = pg_app.test_cli_runner().invoke(
        main, ["corpus", "download", f"{corpus_server}/nope.csv", "--to", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "404" in result.output
