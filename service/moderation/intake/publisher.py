"""Publishing the classification of new comments in small batches, off the request path.

Celery's `send_task` costs about as much CPU per message as the rest of an intake request
(more, the busier the process). So intake does not publish: after its commit
it hands the comment's id to this process's `BatchPublisher`, whose background thread sends at
most one `classify_comments` message per window (PUBLISH_WINDOW_SECONDS, 50 ms by default).
Ids that arrive after a quiet window go out at once; ids that arrive sooner wait for the window
to end, with every other id that arrives meanwhile (Nagle's algorithm, for messages). A quiet
site gets no added delay and a busy one no more than the window, and under load the workers
receive fewer, larger messages.

Hand-rolled because it is a list, a lock and a thread; Celery has no client-side batching.
Nothing is lost if the process dies with ids still pending: the comments are committed as
`queued`, and the sweep sends them again (as after a broker outage).
"""

import atexit
import logging
import os
import threading
import time

from flask import Flask

from service.moderation.intake.dispatch import enqueue_classification

logger = logging.getLogger(__name__)

EXTENSION = "moderato.publisher"
MAX_IDS_PER_MESSAGE = 500


class BatchPublisher:
    """Sends pending ids at most once per `window` seconds: at once after a quiet window."""

    def __init__(self, app: Flask, window: float):
        self.app, self.window = app, window
        self.last_sent = -window  # monotonic time of the last message: none yet
        self.pending: list[int] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        os.register_at_fork(after_in_child=self.forget_parent)
        atexit.register(self.flush)

    def submit(self, comment_ids: list[int]) -> None:
        """Queue ids for the next message; returns at once."""
        with self.lock:
            self.pending.extend(comment_ids)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name=EXTENSION, daemon=True)
                self.thread.start()
        self.wake.set()

    def run(self) -> None:
        """Wait for ids, wait out the window of the last message, send; for the process's life."""
        while True:
            self.wake.wait()
            pause = self.last_sent + self.window - time.monotonic()
            if pause > 0:
                time.sleep(pause)  # ids arriving meanwhile join this message
            self.wake.clear()  # before taking the ids: one submitted after this wakes us again
            try:
                sent = self.flush()
            except Exception:  # never let the thread die: log, and the sweep covers the ids
                logger.exception("Publishing classification messages failed")
                sent = 1  # a send was tried: the next one waits out its window too
            if sent:
                self.last_sent = time.monotonic()

    def flush(self) -> int:
        """Send every pending id now (also at exit); how many there were."""
        with self.lock:
            comment_ids, self.pending = self.pending, []
        if comment_ids:
            with self.app.app_context():
                for start in range(0, len(comment_ids), MAX_IDS_PER_MESSAGE):
                    enqueue_classification(comment_ids[start : start + MAX_IDS_PER_MESSAGE])
        return len(comment_ids)

    def forget_parent(self) -> None:
        """In a forked child: the parent's pending ids and thread are not ours."""
        self.pending, self.thread = [], None
        self.lock, self.wake = threading.Lock(), threading.Event()


def init_app(app: Flask) -> None:
    """Give the app its publisher, unless PUBLISH_WINDOW_SECONDS is 0 (publish inline)."""
    window = float(app.config["PUBLISH_WINDOW_SECONDS"])
    if window > 0:
        app.extensions[EXTENSION] = BatchPublisher(app, window)


def publish_new(app: Flask, comment_ids: list[int]) -> None:
    """Have newly stored comments classified: through the batch publisher, or inline."""
    publisher = app.extensions.get(EXTENSION)
    if publisher is None:
        enqueue_classification(comment_ids)
    else:
        publisher.submit(comment_ids)
