"""Celery wired the way the Flask docs do it (docs/patterns/celery.rst)."""

from celery import Celery, Task
from flask import Flask
from kombu import Connection


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for `app`; every task runs inside an app context."""

    class FlaskTask(Task):
        flask_app = app  # for task classes that cannot inherit this one (workers/batching.py)

        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def short_timeout_connection(celery_app: Celery, timeout: float) -> Connection:
    """A fresh broker connection whose connect and socket operations give up after `timeout`
    seconds, for probes and checks that must answer quickly while the broker is down (the
    pooled connection retries for seconds)."""
    options = dict(celery_app.conf.broker_transport_options or {})
    options.update(socket_timeout=timeout, socket_connect_timeout=timeout)
    return celery_app.connection_for_write(connect_timeout=timeout, transport_options=options)


def connect_once(connection: Connection) -> None:
    """Connect without kombu's retry (whose first back-off alone is 2 s); raises if down."""
    connection.ensure_connection(max_retries=0)


class BrokerUnreachable(Exception):
    """The broker could not be asked how many messages wait."""


def count_waiting_messages(celery_app: Celery, queue: str, timeout: float) -> int:
    """Messages waiting in the broker's `queue` (not those a worker has reserved); raises
    BrokerUnreachable if the broker does not answer within `timeout` seconds."""
    try:
        with short_timeout_connection(celery_app, timeout) as connection:
            connect_once(connection)
            with connection.channel() as channel:
                # Not passive: a passive declare fails on an empty Redis queue (no key left).
                return int(channel.queue_declare(queue).message_count)
    except Exception as error:  # whatever the transport raises, the answer is "unknown"
        raise BrokerUnreachable(queue) from error
