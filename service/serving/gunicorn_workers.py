"""gunicorn worker classes that answer the requests gunicorn refuses in the JSON error shape."""

import socket

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

from service.serving.answers import error_body


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """`util.write_error` with the JSON shape; `mesg` is dropped, as it can echo the request."""
    body = error_body(status_int)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


# Why replace one function rather than override `Worker.handle_error`: handle_error
# (gunicorn/workers/base.py) maps each parse error to its status (400 malformed, 414 request
# line too long, 417 Expect, 431 header limits, 501 transfer coding, 500 otherwise), logs it and
# writes the access-log line, then renders the page through the single call
# `util.write_error(client, status, reason, mesg)`, which writes HTML and is called from nowhere
# else. Swapping that function keeps gunicorn's mapping and limits as they are; copying
# handle_error would mean maintaining ~100 lines that change with gunicorn releases. The swap
# happens in `init_process`, which runs only in the forked worker process.
class JsonErrors:
    """Mixin for a gunicorn worker: its error pages are JSON."""

    def init_process(self) -> None:
        """Install the JSON error writer in this worker process, then run as usual."""
        util.write_error = write_json_error
        super().init_process()  # type: ignore[misc]


class JsonErrorSyncWorker(JsonErrors, SyncWorker):
    """gunicorn's default (sync) worker, with JSON error pages."""


class JsonErrorThreadWorker(JsonErrors, ThreadWorker):
    """gunicorn's gthread worker (for `--threads` deployments), with JSON error pages."""
