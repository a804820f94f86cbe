"""New comments' classification messages go out at most once per window, in batches."""

import threading

import pytest
from flask import Flask

from service.moderation.intake import publisher
from service.moderation.intake.publisher import BatchPublisher
from tests.support.factories import bearer, comment_payload, create_site
from tests.support.processes import wait_for


class Broker:
    """Records what would have been published (the broker is the boundary)."""

    def __init__(self, fail_first: bool = False) -> None:
        self.messages: list[list[int]] = []
        self.fail_first = fail_first
        self.sent = threading.Event()

    def send(self, comment_ids: list[int]) -> bool:
        if self.fail_first:
            self.fail_first = False
            raise RuntimeError("broker exploded")
        self.messages.append(comment_ids)
        self.sent.set()
        return True


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Broker:
    recorder = Broker()
    monkeypatch.setattr(publisher, "enqueue_classification", recorder.send)
    return recorder


def test_the_first_ids_after_a_quiet_window_go_out_at_once(app: Flask, broker: Broker) -> None:
    batcher = BatchPublisher(app, window=60)
    batcher.submit([1])
    wait_for(lambda: broker.messages, timeout=10, interval=0.02)  # long before the window ends
    assert broker.messages == [[1]]


def test_ids_submitted_within_the_window_of_a_message_go_out_together_after_it(
    app: Flask, broker: Broker
) -> None:
    batcher = BatchPublisher(app, window=2)
    batcher.submit([1])
    wait_for(lambda: broker.messages, timeout=10, interval=0.02)
    batcher.submit([2])
    batcher.submit([3, 4])
    assert broker.messages == [[1]]  # the window of [1]'s message is still open
    wait_for(lambda: len(broker.messages) == 2, timeout=10, interval=0.05)
    assert broker.messages == [[1], [2, 3, 4]]


def test_flush_sends_what_is_pending_at_once(app: Flask, broker: Broker) -> None:
    batcher = BatchPublisher(app, window=60)
    batcher.pending.extend([4, 5])  # as submit leaves them, without waking the thread
    assert batcher.flush() == 2
    assert broker.messages == [[4, 5]]


def test_a_failed_send_does_not_stop_later_messages(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = Broker(fail_first=True)
    monkeypatch.setattr(publisher, "enqueue_classification", flaky.send)
    batcher = BatchPublisher(app, window=0.05)
    batcher.submit([6])
    wait_for(lambda: not flaky.fail_first, timeout=10)  # that send raised
    batcher.submit([7])
    wait_for(lambda: flaky.messages, timeout=10, interval=0.05)
    assert flaky.messages == [[7]]


def test_intake_hands_the_new_comment_to_the_publisher_after_the_commit(
    app: Flask, broker: Broker
) -> None:
    app.extensions[publisher.EXTENSION] = BatchPublisher(app, window=0.05)
    try:
        site = create_site()
        answer = app.test_client().post(
            "/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key)
        )
        wait_for(lambda: broker.messages, timeout=10, interval=0.05)
    finally:
        del app.extensions[publisher.EXTENSION]
    assert broker.messages == [[answer.get_json()["id"]]]


def test_a_classification_message_carries_the_ids_and_shows_only_their_count(
    pg_app: Flask,
) -> None:
    from service.moderation.intake.dispatch import enqueue_classification
    from service.names import Queues

    celery = pg_app.extensions["celery"]
    with celery.connection_for_read() as connection:
        queue = connection.SimpleQueue(Queues.MODERATION)
        queue.clear()
        assert enqueue_classification([7, 8, 9]) is True
        message = queue.get(timeout=5)
        message.ack()
        queue.close()
    assert message.payload[0] == [[7, 8, 9]]  # Celery's protocol 2: (args, kwargs, embed)
    assert message.headers["argsrepr"] == "[<3 comment ids>]"
