"""The embedded broker's messages are whole when a consumer can see them
(service/celery/filesystem_transport.py)."""

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection

from service.celery import filesystem_transport

QUEUE = "moderation"


def connection_to(folder: Path) -> Connection:
    """A kombu connection on our transport, with its folders under `folder`."""
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(exist_ok=True)
    return Connection(
        transport=filesystem_transport.TRANSPORT,
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    )


@pytest.fixture
def channel(tmp_path: Path) -> Iterator[filesystem_transport.Channel]:
    with connection_to(tmp_path) as connection:
        yield connection.default_channel


def test_a_message_is_invisible_to_consumers_until_it_is_whole(
    channel: filesystem_transport.Channel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before_rename: list[tuple[list[str], bytes]] = []
    replace = os.replace

    def observed_replace(source: str, destination: str) -> None:
        before_rename.append((sorted(os.listdir(tmp_path / "queue")), Path(source).read_bytes()))
        replace(source, destination)

    monkeypatch.setattr(filesystem_transport.os, "replace", observed_replace)
    channel._put(QUEUE, {"body": "x" * 100_000})
    [(names, written)] = before_rename
    assert len(names) == 1
    assert names[0].endswith(f".{QUEUE}.msg{filesystem_transport.PARTIAL_SUFFIX}")
    assert written.endswith(b"}")  # whole before it is renamed
    assert channel._get(QUEUE) == {"body": "x" * 100_000}


def test_kombus_consumer_passes_over_a_partial_file(
    channel: filesystem_transport.Channel, tmp_path: Path
) -> None:
    (tmp_path / "queue" / f"1_x.{QUEUE}.msg{filesystem_transport.PARTIAL_SUFFIX}").write_bytes(b"")
    with pytest.raises(Empty):
        channel._get(QUEUE)


def test_a_consumer_racing_a_publisher_reads_every_message_whole(tmp_path: Path) -> None:
    count, received, errors = 2_000, [], []

    def publish() -> None:
        with connection_to(tmp_path) as connection:
            for number in range(count):
                connection.default_channel._put(QUEUE, {"n": number, "pad": "y" * 2_000})

    def consume() -> None:
        with connection_to(tmp_path) as connection:
            while len(received) < count:
                try:
                    received.append(connection.default_channel._get(QUEUE)["n"])
                except Empty:
                    continue
                except Exception as error:  # what kombu's own writer let a consumer hit
                    errors.append(error)
                    return

    threads = [threading.Thread(target=publish), threading.Thread(target=consume)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(received) == list(range(count))
