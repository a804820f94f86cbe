"""The Redis transport that publishes through one client per channel, on a real Redis."""

import uuid
from pathlib import Path

import redis
from kombu import Queue

from service import create_app
from service.redis_transport import Channel
from tests.support.backends import REDIS_API_DB, redis_url


def test_a_channel_publishes_every_message_through_one_client(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": redis_url(REDIS_API_DB)})
    queue = Queue(f"test-transport-{uuid.uuid4().hex}")
    server = redis.Redis.from_url(redis_url(REDIS_API_DB))
    try:
        celery = app.extensions["celery"]
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
        assert server.llen(queue.name) == 2
    finally:
        server.delete(queue.name)


def test_after_a_fork_the_channel_publishes_through_a_new_client(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": redis_url(REDIS_API_DB)})
    queue = Queue(f"test-transport-{uuid.uuid4().hex}")
    server = redis.Redis.from_url(redis_url(REDIS_API_DB))
    try:
        celery = app.extensions["celery"]
        with celery.connection_for_write() as connection:
            channel = connection.default_channel
            producer = connection.Producer(channel)
            producer.publish({"number": 1}, routing_key=queue.name, declare=[queue])
            before = channel.shared_client
            channel._after_fork()  # what kombu runs in a forked child: the pools are reset
            producer.publish({"number": 2}, routing_key=queue.name, declare=[queue])
            assert channel.shared_client is not before
            assert channel.shared_client.connection_pool is channel.pool
        assert server.llen(queue.name) == 2
    finally:
        server.delete(queue.name)
