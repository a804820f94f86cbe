"""Kombu's file-system transport, with each message written whole before it can be read.

Kombu's `_put` creates the message file under its final name and then writes it; a consumer
listing the folder in between moves the file away and reads it empty, and the JSON error that
follows is fatal to a Celery worker ("Unrecoverable error: JSONDecodeError"). `make run`'s
worker died so, at random, a few seconds after start, when beat's first messages raced its
consumer. Here a message is written under a name no consumer takes (kombu's consumer reads
only names ending in `.<queue>.msg`) and then renamed into place: a rename within one folder
is atomic, so a consumer sees either no file or the whole message. The lock kombu's writer
takes is kept, for consumers of older Moderato versions that share the folder.

Celery selects it with `broker_transport` for `filesystem://` URLs (service/config.py).
"""

import os
import uuid
from pathlib import Path
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem as kombu_filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

FILESYSTEM_SCHEME = "filesystem://"
TRANSPORT = f"{__name__}:Transport"
PARTIAL_SUFFIX = ".partial"  # a name kombu's consumer never matches


class Channel(kombu_filesystem.Channel):
    """A file-system channel that publishes by rename."""

    # kombu's own two signatures disagree (its base channel names the message `message`, its
    # file-system channel `payload`); this keeps the one it overrides and calls positionally.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`: write it aside, then rename it into the queue."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = Path(self.data_folder_out) / name
        partial = final.with_name(name + PARTIAL_SUFFIX)
        try:
            with open(partial, "wb", buffering=0) as file:
                kombu_filesystem.lock(file, kombu_filesystem.LOCK_EX)
                try:
                    file.write(str_to_bytes(dumps(payload)))
                finally:
                    kombu_filesystem.unlock(file)
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {str(final)!r} to directory") from exc


class Transport(kombu_filesystem.Transport):
    """Kombu's file-system transport with `Channel` above."""

    Channel = Channel
