"""The Redis transport that publishes through one client per channel, on a real Redis."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from kombu import Queue

from service import create_app
from service.celery.redis_transport import Channel
from tests.support.backends import REDIS_API_DB, redis_url


@pytest.fixture
def celery(tmp_path: Path) -> Celery:
    """The Celery app of a Moderato configured with the Redis broker."""
    app = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": redis_url(REDIS_API_DB)})
    return app.extensions["celery"]


@pytest.fixture
def queue() -> Iterator[Queue]:
    """A queue of this test's own, deleted afterwards."""
    queue = Queue(f"test-transport-{uuid.uuid4().hex}")
    yield queue
    redis.Redis.from_url(redis_url(REDIS_API_DB)).delete(queue.name)


def queued(queue: Queue) -> int:
    """Messages waiting in `queue`, as Redis holds them."""
    return redis.Redis.from_url(redis_url(REDIS_API_DB)).llen(queue.name)


def test_a_channel_publishes_every_message_through_one_client(celery: Celery, queue: Queue) -> None:
    with celery.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        producer = connection.Producer(channel)
        producer.publish({"number": 1}, routing_key=queue.name, declare=[queue])
        first = channel.shared_client
        producer.publish({"number": 2}, routing_key=queue.name, declare=[queue])
        assert channel.shared_client is first
        with channel.conn_or_acquire() as client:
            assert client is first
    assert queued(queue) == 2


def test_after_a_fork_the_channel_publishes_through_a_new_client(
    celery: Celery, queue: Queue
) -> None:
    with celery.connection_for_write() as connection:
        channel = connection.default_channel
        producer = connection.Producer(channel)
        producer.publish({"number": 1}, routing_key=queue.name, declare=[queue])
        before = channel.shared_client
        channel._after_fork()  # what kombu runs in a forked child: the pools are reset
        producer.publish({"number": 2}, routing_key=queue.name, declare=[queue])
        assert channel.shared_client is not before
        assert channel.shared_client.connection_pool is channel.pool
    assert queued(queue) == 2
