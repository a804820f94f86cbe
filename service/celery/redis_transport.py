"""Kombu's Redis transport, publishing through one Redis client per channel.

Kombu's Redis channel makes a new `redis.Redis` for every message it publishes, and redis-py's
constructor copies its table of about 170 response callbacks into a fresh case-insensitive dict
each time, a third of the CPU of a `send_task` in a profile. A `redis.Redis` over a connection
pool is safe to share between threads, so each channel keeps one for publishing and everything
else kombu does without a client of its own. The rest of the transport (consuming with BRPOP,
acks, visibility timeouts, fanout) is kombu's, unchanged.

Celery selects it with `broker_transport` when the broker URL is a Redis one
(service/config.py); the URL's scheme then only names the server.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from kombu.transport import redis as kombu_redis

REDIS_SCHEMES = ("redis://", "rediss://")
TRANSPORT = f"{__name__}:Transport"


class Channel(kombu_redis.Channel):
    """A Redis channel whose publishing client is made once."""

    @cached_property
    def shared_client(self) -> Any:
        """The channel's client over its connection pool, for commands that name none."""
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        """`client` if given, else the shared one (kombu's makes a new client each time)."""
        yield client or self.shared_client

    def _disconnect_pools(self) -> None:
        """Drop the shared client with the pools it uses (after a fork, at close)."""
        self.__dict__.pop("shared_client", None)
        super()._disconnect_pools()


class Transport(kombu_redis.Transport):
    """Kombu's Redis transport with `Channel` above."""

    Channel = Channel
