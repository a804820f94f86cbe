"""Fetch a public labelled corpus at run time (nothing is vendored), atomically and size-capped."""

import logging
import os
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


def _file_name(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"}:
        raise ValueError(f"only http(s) URLs can be downloaded, got {url!r}")
    name = PurePosixPath(parsed.path).name
    if not name:
        raise ValueError(f"cannot tell a file name from {url!r}")
    return name


def _copy_capped(source: IO[bytes], target: IO[bytes], limit: int, what: str) -> int:
    copied = 0
    while chunk := source.read(_CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise ValueError(f"{what} is larger than the {limit}-byte limit")
        target.write(chunk)
    return copied


def _write_atomically(dest: Path, name: str, source: IO[bytes], limit: int, what: str) -> int:
    """Stream into a temporary file next to the target, then rename: readers never see a part.

    Return the number of bytes written.
    """
    with tempfile.NamedTemporaryFile(dir=dest, prefix=f".{name}.", delete=False) as part:
        try:
            size = _copy_capped(source, part, limit, what)
        except BaseException:
            part.close()
            os.unlink(part.name)
            raise
    os.replace(part.name, dest / name)
    return size


def _extract_csvs(archive: Path, dest: Path) -> Path:
    """Extract the CSV members of `archive` (flattened, no paths) into `dest/<archive stem>/`."""
    target = dest / archive.stem
    target.mkdir(exist_ok=True)
    with zipfile.ZipFile(archive) as bundle:
        members = [
            info
            for info in bundle.infolist()
            if info.filename.lower().endswith(".csv") and not info.filename.startswith("__MACOSX/")
        ]
        if not members:
            raise ValueError(f"{archive.name} holds no CSV files")
        # The cap covers the extracted total, so a small archive cannot expand without bound.
        budget = MAX_BYTES
        for info in members:
            # Only the base name is used, so "../../etc/x.csv" cannot escape `target`.
            name = PurePosixPath(info.filename).name
            with bundle.open(info) as source:
                budget -= _write_atomically(
                    target, name, source, budget, f"{archive.name} unpacked"
                )
    return target


def download_corpus(url: str, dest: Path) -> Path:
    """Download `url` into directory `dest`; return the file, or for a .zip the CSVs' directory.

    Network failures raise `urllib.error.URLError` (an OSError); bad content raises ValueError.
    """
    name = _file_name(url)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    logger.info("Downloading corpus %s into %s", url, dest)
    # The scheme was checked to be http(s) in _file_name, which is what S310 asks for.
    try:
        response = urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS)  # noqa: S310
    except urllib.error.HTTPError as error:
        error.close()  # an HTTP error carries the open response; do not leak its socket
        raise
    with response:
        _write_atomically(dest, name, response, MAX_BYTES, url)
    path = dest / name
    if not name.lower().endswith(".zip"):
        return path
    try:
        return _extract_csvs(path, dest)
    except zipfile.BadZipFile as error:
        raise ValueError(f"{url} is not a valid zip archive") from error
    finally:
        path.unlink(missing_ok=True)
