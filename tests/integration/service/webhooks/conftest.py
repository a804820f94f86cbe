"""A real local receiver, and the setting that lets deliveries reach it."""

from collections.abc import Iterator

import pytest
from flask import Flask

from service.webhooks import deliveries, dispatch, sweep
from tests.support.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def allow_loopback(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver listens on 127.0.0.1, which deliveries refuse by default."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)


class Broker:
    """Records the delivery tasks that would be published (the broker is the boundary)."""

    def __init__(self) -> None:
        self.messages: list[list[int]] = []

    def send(self, endpoint_ids: list[int], countdown: float | None = None) -> bool:
        self.messages.append(list(endpoint_ids))
        return True


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Broker:
    recorder = Broker()
    monkeypatch.setattr(dispatch, "enqueue_deliveries", recorder.send)
    monkeypatch.setattr(deliveries, "enqueue_deliveries", recorder.send)
    monkeypatch.setattr(sweep, "enqueue_deliveries", recorder.send)
    return recorder
