"""Who hears of the gate's changes: listeners registered when the app is built.

The gate calls `notify` inside the transaction that made the changes and knows no listener by
name (cosmic's message bus, warehouse's `metrics/event_handlers.py`). A listener may write rows
in that transaction, as the webhook outbox does, so that they commit or roll back with the
change; work that must wait for the commit (sending, counting) it registers with
`service.database.after_commit`. A listener that raises fails the transaction: nothing is
half-announced.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from flask import Flask, current_app

from service.moderation.changes import Applied

EXTENSION = "moderato.gate_listeners"


class NoticeKind(StrEnum):
    """How the changes came about."""

    DECIDED = "decided"  # a decision: by the classifier, a rule, a moderator or a site
    RESTORED = "restored"  # an undo: the comment is back as it was before a decision
    RESCORED = "rescored"  # a new score; the status stays


@dataclass(frozen=True)
class Notice:
    """A batch of changes the gate applied in the current transaction."""

    kind: NoticeKind
    applied: Sequence[Applied]
    # Site slugs by id that the caller already had; a listener needing others looks them up.
    site_slugs: Mapping[int, str] = field(default_factory=dict)


Listener = Callable[[Notice], None]


def register(app: Flask, listener: Listener) -> None:
    """Have `listener` hear of every change `app`'s gate applies."""
    app.extensions.setdefault(EXTENSION, []).append(listener)


def notify(notice: Notice) -> None:
    """Tell the current app's listeners, in the order they were registered."""
    if notice.applied:
        for listener in current_app.extensions.get(EXTENSION, ()):
            listener(notice)
