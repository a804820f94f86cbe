"""Who hears of the gate's changes: listeners registered when the app is built.

The gate calls `notify` inside the transaction that made the changes and knows no listener by
name (cosmic's message bus, warehouse's `metrics/event_handlers.py`). A listener may write rows
in that transaction, as the webhook outbox does, so that they commit or roll back with the
change; work that must wait for the commit (sending, counting) it registers with
`service.database.after_commit`. A listener that raises fails the transaction: nothing is
half-announced.

A listener says when it writes rows (`writes_for`, per site), so that a change nobody writes
beside may be stored by the gate as a statement that is its own transaction (one round trip),
after which the listeners hear of it already committed.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from flask import Flask, current_app

from service.moderation.changes import Applied

EXTENSION = "moderato.gate_listeners"
WRITES_FOR = "moderato.gate_listeners_writing"


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
SiteTest = Callable[[int], bool]


def register(app: Flask, listener: Listener, *, writes_for: SiteTest | None = None) -> None:
    """Have `listener` hear of every change `app`'s gate applies. `writes_for(site_id)` says
    whether it may write rows in the transaction of a change on that site; without it, the
    gate assumes it may, always."""
    app.extensions.setdefault(EXTENSION, []).append(listener)
    if writes_for is not None:
        app.extensions.setdefault(WRITES_FOR, {})[listener] = writes_for


def writes_nothing(site_id: int) -> bool:
    """`writes_for` of a listener that writes no rows (its work waits for the commit)."""
    return False


def any_listener_writes_for(site_id: int) -> bool:
    """Whether a listener of the current app may write rows beside a change on `site_id`:
    if none does, the gate may store a change as a statement that is its own transaction."""
    tests: dict[Listener, SiteTest] = current_app.extensions.get(WRITES_FOR, {})
    return any(
        tests[listener](site_id) if listener in tests else True
        for listener in current_app.extensions.get(EXTENSION, ())
    )


def notify(notice: Notice) -> None:
    """Tell the current app's listeners, in the order they were registered."""
    if notice.applied:
        for listener in current_app.extensions.get(EXTENSION, ()):
            listener(notice)
